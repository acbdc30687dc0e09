module github.com/matbur/image-text

go 1.26.1

require (
	github.com/a-h/templ v0.2.793
	github.com/elliotchance/pie/v2 v2.9.1
	github.com/go-chi/chi/v5 v5.1.0
	github.com/go-chi/httprate v0.15.0
	github.com/golang/freetype v0.0.0-20170609003504-e2365dfdc4a0
	github.com/hashicorp/go-multierror v1.1.1
	github.com/hashicorp/golang-lru/v2 v2.0.7
	github.com/kelseyhightower/envconfig v1.3.0
	github.com/skrashevich/go-webp v0.1.0
	github.com/stretchr/testify v1.8.4
	golang.org/x/image v0.36.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/hashicorp/errwrap v1.0.0 // indirect
	github.com/klauspost/cpuid/v2 v2.2.10 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/zeebo/xxh3 v1.0.2 // indirect
	golang.org/x/exp v0.0.0-20220321173239-a90fa8a75705 // indirect
	golang.org/x/sys v0.30.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
