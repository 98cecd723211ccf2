# Settings and helpers of the compute extension (scripts/lab/compute-{up,down,status}); sourced after lib.sh.
# Everything listens on 127.0.0.1; PID files in $LAB/run, state under $LAB/compute.
CSTATE=$LAB/compute
CETC=$LAB/etc
RMQ_PORT=5672
RMQ_DIST_PORT=25672
NOVA_URL=http://127.0.0.1:8774
PLACEMENT_URL=http://127.0.0.1:8778
GLANCE_URL=http://127.0.0.1:9292
CINDER_URL=http://127.0.0.1:8776
TRANSPORT_URL="rabbit://openstack:$LAB_PW@127.0.0.1:$RMQ_PORT/"
# cinder's NFS driver mounts "<host>:<export>" at <mount base>/<md5 of it>; a bind mount already there makes
# os-brick answer "already mounted", so nothing is ever NFS-mounted (the kernel has no NFS client anyway)
NFS_SHARE=127.0.0.1:/osnet-lab-cinder
NFS_EXPORT=$CSTATE/cinder-nfs-export
NFS_MNT_BASE=$CSTATE/cinder-mnt
nfs_mountpoint() { echo "$NFS_MNT_BASE/$(printf '%s' "$NFS_SHARE" | md5sum | cut -d' ' -f1)"; }

# the daemons, in start order: name port (or -)
COMPUTE_SERVICES=(
  "epmd 4369"
  "rabbitmq $RMQ_PORT"
  "placement 8778"
  "nova-api 8774"
  "nova-conductor -"
  "nova-scheduler -"
  "nova-compute -"
  "glance-api 9292"
  "cinder-api 8776"
  "cinder-scheduler -"
  "cinder-volume -"
  "cinder-backup -"
)
# the databases (MariaDB, one user per service: nova owns its three)
COMPUTE_DBS="nova_api:nova nova:nova nova_cell0:nova placement:placement glance:glance cinder:cinder"

compute_enabled() { [ "${OSNET_LAB_COMPUTE:-0}" = 1 ]; }
# compute_present: the extension ran here once (its state dir exists)
compute_present() { [ -d "$CSTATE" ]; }
