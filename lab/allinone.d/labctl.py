#!/usr/bin/python3
"""REST helper for lab/allinone (run with Debian's /usr/bin/python3).

Subcommands:
  bootstrap        idempotently create projects, users, roles, services, endpoints
  image FILE       upload FILE to Glance as the public image $SMOG_LAB_IMAGE unless present
  neutron-warmup   list networks then ports (see cmd_neutron_warmup)
  compute [EPOCH] [HOST...]
                   print nova services and hypervisors as JSON; exit 0 only if every
                   nova service is up (heartbeat not older than EPOCH) and a hypervisor is up,
                   and each HOST has an up nova-compute and an up hypervisor of that name
  sim-status HOST...
                   one block per simulated host: its nova-compute service, hypervisor record
                   and placement inventories (VCPU, PCPU, MEMORY_MB); exit 1 if one is missing
  aggregates FILE  create the lab YAML's aggregates (name, availability_zone, metadata,
                   member hosts from hosts[].aggregates) unless present
  token-check      exit 0 if the admin user gets a token

Passwords come from the environment (SMOG_LAB_SVC_PASSWORD, SMOG_LAB_ADMIN_PASSWORD,
SMOG_LAB_MEMBER_PASSWORD), never from argv, and are never printed.
"""
import json
import os
import sys

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

AUTH_URL = os.environ.get("SMOG_LAB_AUTH_URL", "http://127.0.0.1:5000/v3")
REGION = os.environ.get("SMOG_LAB_REGION", "RegionOne")
SVC_PW = os.environ.get("SMOG_LAB_SVC_PASSWORD", "")
ADMIN_PW = os.environ.get("SMOG_LAB_ADMIN_PASSWORD", "")
MEMBER_PW = os.environ.get("SMOG_LAB_MEMBER_PASSWORD", "")
PROJECT = os.environ.get("SMOG_LAB_PROJECT", "smog")
ADMIN_USER = os.environ.get("SMOG_LAB_ADMIN_USER", "smog-admin")
MEMBER_USER = os.environ.get("SMOG_LAB_MEMBER_USER", "smog-member")
IMAGE = os.environ.get("SMOG_LAB_IMAGE", "smog-blank")

SERVICES = [
    # (service user, service name, type, endpoint url)
    ("nova", "nova", "compute", "http://127.0.0.1:8774/v2.1"),
    ("placement", "placement", "placement", "http://127.0.0.1:8778"),
    ("glance", "glance", "image", "http://127.0.0.1:9292"),
    ("neutron", "neutron", "network", "http://127.0.0.1:9696"),
]


def log(msg):
    print(msg, flush=True)


def admin_session():
    """The keystone-manage bootstrap admin (project admin)."""
    auth = v3.Password(auth_url=AUTH_URL, username="admin", password=SVC_PW,
                       project_name="admin", user_domain_name="Default",
                       project_domain_name="Default")
    return ks_session.Session(auth=auth, timeout=60)


def ident(sess, method, path, **kw):
    kw.setdefault("raise_exc", True)
    resp = sess.request(AUTH_URL + path, method, **kw)
    return resp.json() if resp.content else {}


def find_one(sess, path, key, name, **filters):
    q = "&".join("%s=%s" % kv for kv in dict(name=name, **filters).items())
    items = ident(sess, "GET", "%s?%s" % (path, q))[key]
    return items[0] if items else None


def ensure_project(sess, name, desc):
    p = find_one(sess, "/projects", "projects", name, domain_id="default")
    if p:
        return p["id"]
    log("  create project %s" % name)
    return ident(sess, "POST", "/projects", json={"project": {
        "name": name, "domain_id": "default", "description": desc}})["project"]["id"]


def ensure_user(sess, name, password, project_id):
    u = find_one(sess, "/users", "users", name, domain_id="default")
    if u:
        # keep the password in step with the lab's configured value, but only touch it
        # when it no longer works: a password change revokes the user's live tokens
        if not password_works(name, password):
            log("  reset password of user %s" % name)
            ident(sess, "PATCH", "/users/%s" % u["id"], json={"user": {"password": password}})
        return u["id"]
    log("  create user %s" % name)
    return ident(sess, "POST", "/users", json={"user": {
        "name": name, "domain_id": "default", "password": password,
        "default_project_id": project_id, "enabled": True}})["user"]["id"]


def password_works(name, password):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": name, "domain": {"id": "default"}, "password": password}}}}}
    resp = ks_session.Session(timeout=60).post(AUTH_URL + "/auth/tokens", json=body,
                                               raise_exc=False)
    return resp.status_code == 201


def role_id(sess, name, create=False):
    r = find_one(sess, "/roles", "roles", name)
    if r:
        return r["id"]
    if not create:
        raise SystemExit("role %s missing (keystone-manage bootstrap not run?)" % name)
    log("  create role %s" % name)
    return ident(sess, "POST", "/roles", json={"role": {"name": name}})["role"]["id"]


def grant(sess, project_id, user_id, rid):
    ident(sess, "PUT", "/projects/%s/users/%s/roles/%s" % (project_id, user_id, rid))


def ensure_service(sess, name, stype, url):
    svcs = ident(sess, "GET", "/services?type=%s" % stype)["services"]
    if svcs:
        sid = svcs[0]["id"]
    else:
        log("  create service %s (%s)" % (name, stype))
        sid = ident(sess, "POST", "/services", json={"service": {
            "name": name, "type": stype, "enabled": True}})["service"]["id"]
    eps = ident(sess, "GET", "/endpoints?service_id=%s" % sid)["endpoints"]
    have = {(e["interface"], e.get("region_id")): e for e in eps}
    for iface in ("public", "internal", "admin"):
        e = have.get((iface, REGION))
        if e and e["url"] == url:
            continue
        if e:
            ident(sess, "PATCH", "/endpoints/%s" % e["id"], json={"endpoint": {"url": url}})
        else:
            log("  create endpoint %s %s %s" % (stype, iface, url))
            ident(sess, "POST", "/endpoints", json={"endpoint": {
                "service_id": sid, "interface": iface, "url": url,
                "region_id": REGION, "enabled": True}})


def cmd_bootstrap():
    sess = admin_session()
    admin_r = role_id(sess, "admin")
    member_r = role_id(sess, "member")
    reader_r = role_id(sess, "reader")
    # keystonemiddleware forwards the service's own token as X-Service-Token on the
    # calls nova makes with a user's token; with service_token_roles_required = true
    # (the post-OSSA-2023-003 hardening) that token must carry the 'service' role,
    # otherwise neutron answers 401 and nova's server show/list fails with 500/401.
    service_r = role_id(sess, "service", create=True)
    service_p = ensure_project(sess, "service", "OpenStack service users")
    for user, _, _, _ in SERVICES:
        uid = ensure_user(sess, user, SVC_PW, service_p)
        grant(sess, service_p, uid, admin_r)
        grant(sess, service_p, uid, service_r)
    for user, name, stype, url in SERVICES:
        ensure_service(sess, name, stype, url)
    smog_p = ensure_project(sess, PROJECT, "Smog NUMA test project")
    a = ensure_user(sess, ADMIN_USER, ADMIN_PW, smog_p)
    grant(sess, smog_p, a, admin_r)
    grant(sess, smog_p, a, member_r)
    m = ensure_user(sess, MEMBER_USER, MEMBER_PW, smog_p)
    grant(sess, smog_p, m, member_r)
    grant(sess, smog_p, m, reader_r)
    # the member user must not be admin anywhere
    ra = ident(sess, "GET", "/role_assignments?user.id=%s&effective" % m)["role_assignments"]
    if any(x["role"]["id"] == admin_r for x in ra):
        raise SystemExit("member user %s unexpectedly holds the admin role" % MEMBER_USER)
    log("  keystone: project %s, users %s (admin) and %s (member) ready" % (PROJECT, ADMIN_USER, MEMBER_USER))


def cmd_image(path):
    sess = admin_session()
    filt = dict(service_type="image", interface="public", region_name=REGION)
    imgs = sess.get("/v2/images?name=%s" % IMAGE, endpoint_filter=filt).json()["images"]
    active = [i for i in imgs if i["status"] == "active"]
    if active:
        log("  image %s already present (%s)" % (IMAGE, active[0]["id"]))
        return
    for i in imgs:   # half-uploaded leftovers
        sess.delete("/v2/images/%s" % i["id"], endpoint_filter=filt)
    fmt = os.environ.get("SMOG_LAB_IMAGE_FORMAT", "qcow2")
    img = sess.post("/v2/images", endpoint_filter=filt, json={
        "name": IMAGE, "disk_format": fmt, "container_format": "bare",
        "visibility": "public", "min_disk": 1}).json()
    with open(path, "rb") as f:
        data = f.read()
    sess.put("/v2/images/%s/file" % img["id"], endpoint_filter=filt, data=data,
             headers={"Content-Type": "application/octet-stream"})
    st = sess.get("/v2/images/%s" % img["id"], endpoint_filter=filt).json()["status"]
    if st != "active":
        raise SystemExit("image %s status %s after upload" % (img["id"], st))
    log("  uploaded image %s (%s, %d bytes)" % (IMAGE, img["id"], len(data)))


def _epoch(ts):
    # nova returns naive UTC ISO timestamps, e.g. 2026-11-26T10:18:30.000000
    import calendar
    import datetime
    if not ts:
        return 0
    d = datetime.datetime.strptime(ts.split(".")[0].rstrip("Z"), "%Y-%m-%dT%H:%M:%S")
    return calendar.timegm(d.timetuple())


def cmd_compute(since=0, hosts=()):
    """since: ignore heartbeats older than this epoch (a service row stays 'up' for
    service_down_time = 60 s after the process died, e.g. right after down/up)."""
    sess = admin_session()
    filt = dict(service_type="compute", interface="public", region_name=REGION)
    hdr = {"OpenStack-API-Version": "compute 2.53"}
    svcs = sess.get("/os-services", endpoint_filter=filt, headers=hdr).json()["services"]
    hyps = sess.get("/os-hypervisors/detail", endpoint_filter=filt, headers=hdr).json()["hypervisors"]
    out = {
        "services": [{k: s.get(k) for k in ("binary", "host", "state", "status", "updated_at")}
                     for s in svcs],
        "hypervisors": [{k: h.get(k) for k in ("hypervisor_hostname", "hypervisor_type", "state",
                                                "status", "vcpus", "memory_mb")} for h in hyps],
    }
    print(json.dumps(out))
    want = {"nova-conductor", "nova-scheduler", "nova-compute"}
    up = {s["binary"] for s in svcs if s["state"] == "up" and s["status"] == "enabled"
          and _epoch(s.get("updated_at")) >= since - 2}
    hyp_ok = any(h.get("state") == "up" for h in hyps)
    fresh = {s["host"] for s in svcs if s["binary"] == "nova-compute" and s["state"] == "up"
             and _epoch(s.get("updated_at")) >= since - 2}
    named = {h["hypervisor_hostname"] for h in hyps if h.get("state") == "up"}
    hosts_ok = all(h in fresh and h in named for h in hosts)
    return 0 if want <= up and hyp_ok and hosts_ok else 1


PLACEMENT_HDR = {"OpenStack-API-Version": "placement 1.29"}


def cmd_sim_status(hosts):
    sess = admin_session()
    cf = dict(service_type="compute", interface="public", region_name=REGION)
    pf = dict(service_type="placement", interface="public", region_name=REGION)
    hdr = {"OpenStack-API-Version": "compute 2.53"}
    svcs = sess.get("/os-services?binary=nova-compute", endpoint_filter=cf, headers=hdr).json()["services"]
    hyps = sess.get("/os-hypervisors/detail", endpoint_filter=cf, headers=hdr).json()["hypervisors"]
    rc = 0
    for name in hosts:
        svc = next((x for x in svcs if x["host"] == name), None)
        hyp = next((h for h in hyps if h["hypervisor_hostname"] == name), None)
        print("  %s: nova-compute %s/%s, hypervisor %s" % (
            name, svc["state"] if svc else "MISSING", svc["status"] if svc else "-",
            "%s (%s, vcpus=%s, memory_mb=%s, running_vms=%s)" % (
                hyp["state"], hyp["hypervisor_type"], hyp.get("vcpus"), hyp.get("memory_mb"),
                hyp.get("running_vms")) if hyp else "MISSING"))
        if not svc or svc["state"] != "up" or not hyp or hyp["state"] != "up":
            rc = 1
        rps = sess.get("/resource_providers?name=%s" % name, endpoint_filter=pf,
                       headers=PLACEMENT_HDR).json()["resource_providers"]
        if not rps:
            print("    placement: NO resource provider")
            rc = 1
            continue
        uuid = rps[0]["uuid"]
        inv = sess.get("/resource_providers/%s/inventories" % uuid, endpoint_filter=pf,
                       headers=PLACEMENT_HDR).json()["inventories"]
        usage = sess.get("/resource_providers/%s/usages" % uuid, endpoint_filter=pf,
                         headers=PLACEMENT_HDR).json()["usages"]
        parts = []
        for rc_name in ("VCPU", "PCPU", "MEMORY_MB"):
            i = inv.get(rc_name)
            parts.append("%s %s" % (rc_name, "-" if i is None else "total=%d reserved=%d ratio=%g used=%d" % (
                i["total"], i["reserved"], i["allocation_ratio"], usage.get(rc_name, 0))))
        print("    placement: " + "; ".join(parts))
    return rc


def cmd_aggregates(path):
    import yaml
    with open(path) as f:
        lab = yaml.safe_load(f) or {}
    wanted = lab.get("aggregates") or []
    if not wanted:
        log("  no aggregates in %s" % path)
        return 0
    sess = admin_session()
    cf = dict(service_type="compute", interface="public", region_name=REGION)
    hdr = {"OpenStack-API-Version": "compute 2.53"}
    have = {a["name"]: a for a in sess.get("/os-aggregates", endpoint_filter=cf, headers=hdr).json()["aggregates"]}
    for agg in wanted:
        name = agg["name"]
        a = have.get(name)
        if a is None:
            body = {"name": name}
            if agg.get("availability_zone"):
                body["availability_zone"] = agg["availability_zone"]
            a = sess.post("/os-aggregates", endpoint_filter=cf, headers=hdr, json={"aggregate": body}).json()["aggregate"]
            log("  created aggregate %s" % name)
        meta = {str(k): str(v) for k, v in (agg.get("metadata") or {}).items()}
        if meta:
            a = sess.post("/os-aggregates/%s/action" % a["id"], endpoint_filter=cf, headers=hdr,
                          json={"set_metadata": {"metadata": meta}}).json()["aggregate"]
        for h in lab.get("hosts") or []:
            if name in (h.get("aggregates") or []) and h["name"] not in (a.get("hosts") or []):
                sess.post("/os-aggregates/%s/action" % a["id"], endpoint_filter=cf, headers=hdr,
                          json={"add_host": {"host": h["name"]}})
                log("  aggregate %s: added host %s" % (name, h["name"]))
    return 0


def cmd_neutron_warmup():
    """Touch neutron's DB layer once before anyone lists ports.

    With service_plugins = router, Port.port_forwardings is an SQLAlchemy backref that
    only exists after the mappers are configured, which the first query does. A GET
    /v2.0/ports that arrives first in a fresh API worker fails with AttributeError (500).
    """
    sess = admin_session()
    filt = dict(service_type="network", interface="public", region_name=REGION)
    for path in ("/v2.0/networks", "/v2.0/ports"):
        resp = sess.get(path, endpoint_filter=filt, raise_exc=False)
        if resp.status_code != 200:
            print("GET %s -> %s %s" % (path, resp.status_code, resp.text[:300]))
            return 1
    return 0


def cmd_token_check():
    admin_session().get_token()
    return 0


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    cmd = argv[0]
    if cmd == "bootstrap":
        cmd_bootstrap()
        return 0
    if cmd == "image":
        cmd_image(argv[1])
        return 0
    if cmd == "compute":
        return cmd_compute(int(argv[1]) if len(argv) > 1 else 0, argv[2:])
    if cmd == "sim-status":
        return cmd_sim_status(argv[1:])
    if cmd == "aggregates":
        return cmd_aggregates(argv[1])
    if cmd == "neutron-warmup":
        return cmd_neutron_warmup()
    if cmd == "token-check":
        return cmd_token_check()
    print("unknown subcommand %s" % cmd, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
