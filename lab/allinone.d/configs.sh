# shellcheck shell=bash
# Config files for lab/allinone. Sourced by ../allinone; uses its variables
# (PW_SVC, LOGS, ...). Every file is rewritten on each `up`, so the lab's
# configuration is exactly what is written here. The package's original file
# is saved once under $STATE/orig/ before the first overwrite.

db_url() { # db_url USER DB
  printf 'mysql+pymysql://%s:%s@127.0.0.1:3306/%s?charset=utf8' "$1" "$PW_SVC" "$2"
}

rabbit_url() {
  printf 'rabbit://%s:%s@127.0.0.1:5672/' "$RABBIT_USER" "$PW_SVC"
}

authtoken_section() { # authtoken_section USER
  cat <<EOF
[keystone_authtoken]
auth_url = http://127.0.0.1:5000/v3
www_authenticate_uri = http://127.0.0.1:5000/v3
auth_type = password
project_name = service
project_domain_name = Default
username = $1
user_domain_name = Default
password = $PW_SVC
region_name = RegionOne
service_token_roles_required = true
EOF
}

ks_client_section() { # ks_client_section SECTION USER
  cat <<EOF
[$1]
auth_type = password
auth_url = http://127.0.0.1:5000/v3
project_name = service
project_domain_name = Default
username = $2
user_domain_name = Default
password = $PW_SVC
region_name = RegionOne
valid_interfaces = public
EOF
}

# install_conf PATH OWNER_GROUP MODE  (content on stdin)
install_conf() {
  local path=$1 owner=$2 mode=$3 tmp
  local orig="$STATE/orig${path}"
  if [ -f "$path" ] && [ ! -e "$orig" ] && [[ $path != "$STATE"/* ]]; then
    mkdir -p "$(dirname "$orig")"
    cp -p "$path" "$orig"
  fi
  mkdir -p "$(dirname "$path")"
  tmp=$(mktemp "${path}.smog.XXXXXX")
  cat >"$tmp"
  chown "$owner" "$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$path"
}

# write_libvirt_config ETC_DIR   (/etc/libvirt in system mode, $LV/etc in private mode)
write_libvirt_config() {
  local etc=$1
  install_conf "$etc/qemu.conf" root:root 0644 <<'EOF'
# lab/allinone: libvirtd started by hand, no systemd, no apparmor/selinux
user = "root"
group = "root"
security_driver = "none"
hugetlbfs_mount = "/dev/hugepages"
EOF
  # libvirt's default NAT network would create virbr0 + dnsmasq: never autostart it
  rm -f "$etc/qemu/networks/autostart/default.xml"
}

# With `up --hosts FILE`, the lab YAML's controller nova_conf ([filter_scheduler], [pci] alias)
# is merged over nova.conf: nova-api reads the aliases, nova-scheduler the filters.
controller_conf() {
  if [ -n "${HOSTS_FILE:-}" ]; then "$PY" "$SIMCOMPUTE" merge --lab "$HOSTS_FILE" --controller; else cat; fi
}

write_configs() {
  # ---------------- mariadb ----------------
  install_conf /etc/mysql/mariadb.conf.d/99-smog-lab.cnf root:root 0644 <<EOF
# lab/allinone: loopback only, tuned for a throw-away test lab
[mysqld]
bind-address = 127.0.0.1
port = 3306
skip-name-resolve
max_connections = 500
innodb_flush_log_at_trx_commit = 2
innodb_buffer_pool_size = 256M
log_error = $LOGS/mariadb.log
EOF

  # ---------------- rabbitmq ----------------
  install_conf /etc/rabbitmq/rabbitmq-env.conf root:root 0644 <<'EOF'
# lab/allinone: loopback only (AMQP 5672, Erlang distribution 25672, epmd 4369)
NODENAME=rabbit@localhost
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=5672
DIST_PORT=25672
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
EOF

  # ---------------- keystone ----------------
  install_conf /etc/keystone/keystone.conf root:keystone 0640 <<EOF
# lab/allinone
[DEFAULT]
use_stderr = true
[database]
connection = $(db_url keystone keystone)
[identity]
# bcrypt cost 4 (the minimum): every token request verifies a password; the default
# cost 12 makes each one take ~0.3 s of CPU on this 2-core box. Test lab only.
password_hash_rounds = 4
[token]
provider = fernet
[fernet_tokens]
key_repository = /etc/keystone/fernet-keys/
[credential]
key_repository = /etc/keystone/credential-keys/
EOF

  # ---------------- placement ----------------
  { cat <<EOF
# lab/allinone
[DEFAULT]
use_stderr = true
[api]
auth_strategy = keystone
[placement_database]
connection = $(db_url placement placement)
EOF
    authtoken_section placement
  } | install_conf /etc/placement/placement.conf root:placement 0640

  # ---------------- glance ----------------
  { cat <<EOF
# lab/allinone
[DEFAULT]
use_stderr = true
bind_host = 127.0.0.1
bind_port = 9292
workers = 1
enabled_backends = fs:file
[database]
connection = $(db_url glance glance)
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = /var/lib/glance/images/
[os_glance_staging_store]
filesystem_store_datadir = /var/lib/glance/staging/
[os_glance_tasks_store]
filesystem_store_datadir = /var/lib/glance/tasks_work_dir/
[paste_deploy]
flavor = keystone
[oslo_concurrency]
lock_path = /var/lib/glance/lock
EOF
    authtoken_section glance
  } | install_conf /etc/glance/glance-api.conf root:glance 0640

  # ---------------- neutron ----------------
  { cat <<EOF
# lab/allinone: neutron-server only (ML2, flat type driver, no mechanism drivers, no agents).
# service_plugins = router: its DB code defines Port.port_forwardings, without which
# GET /v2.0/ports fails with AttributeError (500) — nova lists ports on server show/delete.
[DEFAULT]
use_stderr = true
bind_host = 127.0.0.1
bind_port = 9696
auth_strategy = keystone
core_plugin = ml2
service_plugins = router
transport_url = $(rabbit_url)
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
api_workers = 1
rpc_workers = 0
rpc_state_report_workers = 0
[database]
connection = $(db_url neutron neutron)
[oslo_concurrency]
lock_path = /var/lib/neutron/lock
EOF
    authtoken_section neutron
  } | install_conf /etc/neutron/neutron.conf root:neutron 0640

  install_conf /etc/neutron/plugins/ml2/ml2_conf.ini root:neutron 0640 <<'EOF'
# lab/allinone
[ml2]
type_drivers = flat
tenant_network_types =
mechanism_drivers =
extension_drivers = port_security
[ml2_type_flat]
flat_networks = *
EOF

  # ---------------- nova ----------------
  { cat <<EOF
# lab/allinone: nova-api (uwsgi), conductor, scheduler, compute (libvirt, QEMU TCG)
[DEFAULT]
use_stderr = true
my_ip = 127.0.0.1
state_path = /var/lib/nova
instances_path = /var/lib/nova/instances
transport_url = $(rabbit_url)
compute_driver = libvirt.LibvirtDriver
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_workers = 1
metadata_workers = 1
[api]
auth_strategy = keystone
[api_database]
connection = $(db_url nova nova_api)
[database]
connection = $(db_url nova nova)
[oslo_concurrency]
lock_path = /var/lib/nova/tmp
[oslo_policy]
policy_dirs = /etc/nova/policy.d
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
[libvirt]
virt_type = qemu
connection_uri = $LIBVIRT_URI
[compute]
cpu_dedicated_set = $CPU_DEDICATED_SET
cpu_shared_set = $CPU_SHARED_SET
[scheduler]
workers = 1
discover_hosts_in_cells_interval = -1
[filter_scheduler]
enabled_filters = ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter,NUMATopologyFilter,AggregateInstanceExtraSpecsFilter,PciPassthroughFilter
# deterministic placement: always the best-weighed host, equal weights not shuffled
host_subset_size = 1
shuffle_best_same_weighed_hosts = false
[conductor]
workers = 1
[quota]
# a test lab: the suite's fill scenarios boot as many guests as a host's PCPUs hold
instances = -1
cores = -1
ram = -1
[vnc]
enabled = false
[glance]
region_name = RegionOne
valid_interfaces = public
[cinder]
os_region_name = RegionOne
EOF
    authtoken_section nova
    ks_client_section placement placement
    ks_client_section neutron neutron
  } | controller_conf | install_conf /etc/nova/nova.conf root:nova 0640

  # The package's nova-compute.conf sets virt_type=kvm and is read after nova.conf;
  # a Linux guest hangs under nested KVM here, TCG works.
  install_conf /etc/nova/nova-compute.conf root:nova 0640 <<'EOF'
# lab/allinone: read after nova.conf by nova-compute
[DEFAULT]
compute_driver = libvirt.LibvirtDriver
[libvirt]
virt_type = qemu
[oslo_concurrency]
# nova-compute runs as root: keep its lock files apart from the nova-user services
lock_path = /var/lib/nova/tmp-compute
EOF
}
