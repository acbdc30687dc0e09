module github.com/qiangxue/go-rest-api

go 1.13

require (
	github.com/dgrijalva/jwt-go v3.2.0+incompatible
	github.com/go-ozzo/ozzo-dbx v1.5.0
	github.com/go-ozzo/ozzo-routing/v2 v2.3.0
	github.com/go-ozzo/ozzo-validation/v4 v4.1.0
	github.com/google/uuid v1.1.1
	github.com/lib/pq v1.2.0
	github.com/qiangxue/go-env v1.0.0
	github.com/stretchr/testify v1.4.0
	go.uber.org/atomic v1.5.1 // indirect
	go.uber.org/multierr v1.4.0 // indirect
	go.uber.org/zap v1.13.0
	golang.org/x/lint v0.0.0-20200130185559-910be7a94367 // indirect
	gopkg.in/yaml.v2 v2.2.2
)
