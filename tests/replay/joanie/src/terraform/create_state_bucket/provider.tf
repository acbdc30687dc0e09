
# This provider is configured with the OS_* environment variables
provider "openstack" {
  alias = "ovh"
}
