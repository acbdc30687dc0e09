provider "openstack" {
  alias = "ovh"
}
