# Config writers of the compute extension (sourced by scripts/lab/compute-up). Every file is 0600 (passwords).
# ks_auth <section> <user>: a keystoneauth password block as <user> of project service
ks_auth() {
  cat <<EOF2
[$1]
auth_url = http://127.0.0.1:5000
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $LAB_PW
region_name = RegionOne
EOF2
}
# authtoken <user>: keystonemiddleware, validating tokens as <user>
authtoken() {
  echo "[keystone_authtoken]"
  echo "www_authenticate_uri = http://127.0.0.1:5000"
  echo "memcached_servers ="
  ks_auth x "$1" | tail -n +2
}
# the policy of the base lab: the old defaults, no scope checks
policy_block() { printf '[oslo_policy]\nenforce_new_defaults = false\nenforce_scope = false\n'; }

rabbitmq_conf() {
  mkdir -p "$CETC/rabbitmq" "$CSTATE/rabbitmq"
  # the user is created at first boot: no rabbitmqctl calls (1.5 s each)
  cw "$CETC/rabbitmq/rabbitmq.conf" <<EOF2
listeners.tcp.1 = 127.0.0.1:$RMQ_PORT
default_user = openstack
default_pass = $LAB_PW
loopback_users = none
vm_memory_high_watermark.absolute = 1GB
disk_free_limit.absolute = 50MB
log.file.level = warning
EOF2
  printf '[].\n' | cw "$CETC/rabbitmq/enabled_plugins"
}

placement_conf() {
  mkdir -p "$CETC/placement"
  {
    printf '[DEFAULT]\nlog_file = %s\n[api]\nauth_strategy = keystone\n' "$LAB/log/placement.log"
    printf '[placement_database]\nconnection = %s\n' "$(dburl_as placement placement)"
    authtoken placement
    policy_block
  } | cw "$CETC/placement/placement.conf"
}

# nova_common: everything but the databases (nova-compute gets no database access)
nova_common() {
  cat <<EOF2
[DEFAULT]
transport_url = $TRANSPORT_URL
compute_driver = fake.FakeDriver
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_workers = 1
state_path = $CSTATE/nova
instances_path = $CSTATE/nova/instances
log_dir = $LAB/log
my_ip = 127.0.0.1
host = $LAB_HOST
# one fake host: resizes stay on it
allow_resize_to_same_host = true
# the base lab's Neutron sends no events to Nova (notify_nova_*=false) and nothing plugs ports
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
heal_instance_info_cache_interval = -1
api_paste_config = /etc/nova/api-paste.ini
[api]
auth_strategy = keystone
[conductor]
workers = 1
[scheduler]
workers = 1
# compute-up runs discover_hosts itself
discover_hosts_in_cells_interval = -1
[oslo_concurrency]
lock_path = $CSTATE/nova/lock
[oslo_messaging_notifications]
driver = noop
[vnc]
enabled = true
novncproxy_base_url = http://127.0.0.1:6080/vnc_auto.html
[glance]
region_name = RegionOne
[cinder]
os_region_name = RegionOne
auth_type = password
auth_url = http://127.0.0.1:5000
project_domain_name = Default
user_domain_name = Default
project_name = service
username = nova
password = $LAB_PW
# Cinder requires a service token for attachment deletes of in-use volumes (service_token_roles_required)
EOF2
  ks_auth service_user nova
  echo "send_service_user_token = true"
  ks_auth placement nova
  ks_auth neutron nova
  authtoken nova
  policy_block
}
nova_conf() {
  mkdir -p "$CETC/nova" "$CSTATE/nova/instances" "$CSTATE/nova/lock"
  {
    nova_common
    printf '[database]\nconnection = %s\n' "$(dburl_as nova nova)"
    printf '[api_database]\nconnection = %s\n' "$(dburl_as nova nova_api)"
  } | cw "$CETC/nova/nova.conf"
  nova_common | cw "$CETC/nova/nova-compute.conf"
}
# dburl_as <user> <database>: nova's three databases all belong to user nova
dburl_as() { echo "mysql+pymysql://$1:$LAB_PW@localhost/$2?unix_socket=$MYSOCK&charset=utf8"; }

glance_conf() {
  mkdir -p "$CETC/glance" "$CSTATE/glance/images" "$CSTATE/glance/staging" "$CSTATE/glance/tasks"
  {
    cat <<EOF2
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9292
workers = 1
log_file = $LAB/log/glance-api.log
enabled_backends = file:file
[database]
connection = $(dburl_as glance glance)
[glance_store]
default_backend = file
[file]
filesystem_store_datadir = $CSTATE/glance/images
[os_glance_staging_store]
filesystem_store_datadir = $CSTATE/glance/staging
[os_glance_tasks_store]
filesystem_store_datadir = $CSTATE/glance/tasks
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
EOF2
    authtoken glance
    policy_block
  } | cw "$CETC/glance/glance-api.conf"
}

cinder_conf() {
  mkdir -p "$CETC/cinder" "$CSTATE/cinder/lock" "$CSTATE/cinder-backups" "$NFS_EXPORT" "$NFS_MNT_BASE"
  echo "$NFS_SHARE" | cw "$CETC/cinder/nfs_shares"
  {
    cat <<EOF2
[DEFAULT]
transport_url = $TRANSPORT_URL
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = 8776
osapi_volume_workers = 1
auth_strategy = keystone
state_path = $CSTATE/cinder
log_dir = $LAB/log
host = $LAB_HOST
my_ip = 127.0.0.1
api_paste_config = /etc/cinder/api-paste.ini
rootwrap_config = /etc/cinder/rootwrap.conf
enabled_backends = nfs1
default_volume_type = lab-nfs
backup_driver = cinder.backup.drivers.posix.PosixBackupDriver
backup_posix_path = $CSTATE/cinder-backups
[database]
connection = $(dburl_as cinder cinder)
[oslo_concurrency]
lock_path = $CSTATE/cinder/lock
[oslo_messaging_notifications]
driver = noop
[nfs1]
volume_backend_name = nfs1
volume_driver = cinder.volume.drivers.nfs.NfsDriver
nfs_shares_config = $CETC/cinder/nfs_shares
nfs_mount_point_base = $NFS_MNT_BASE
nfs_sparsed_volumes = true
nfs_snapshot_support = true
nas_secure_file_operations = false
nas_secure_file_permissions = false
EOF2
    ks_auth nova cinder
    authtoken cinder
    echo "service_token_roles_required = true"
    policy_block
  } | cw "$CETC/cinder/cinder.conf"
}
