import json
def host(n, full, dedicated, partly):
    cells=[]; total=n*16
    for node in range(n):
        sib=[[t*total+node*16+c for t in range(2)] for c in range(16)]
        cpus=sorted(x for s in sib for x in s)
        cell={"id":node,"cpus":cpus,"siblings":sib,"memory_mb":65536}
        if node>=n-full:
            if dedicated: cell["pinned_cpus"]=[x for x in cpus if not (partly and x==sib[0][0])]
            else: cell["memory_usage_mb"]=131072
        cells.append(cell)
    return {"cells":cells}
out=[]
for n in (8,16):
    for k in range(1, 9 if n==8 else 5):
        for ded in (False, True):
            es={"hw:numa_nodes":str(k)}
            if ded: es["hw:cpu_policy"]="dedicated"
            out.append({"name":f"blowup-{n}-{k}-{'dedicated' if ded else 'shared'}","host":host(n,n-k+1,ded,False),"flavor":{"vcpus":4*k,"memory_mb":2048*k,"extra_specs":es}})
        if k>=2:
            es={"hw:numa_nodes":str(k),"hw:cpu_policy":"dedicated","hw:numa_cpus.0":"0","hw:numa_mem.0":"2048"}
            for i in range(1,k):
                es[f"hw:numa_cpus.{i}"]=f"{4*i-3}-{4*i}"; es[f"hw:numa_mem.{i}"]="2048"
            out.append({"name":f"blowup-{n}-{k}-smallfirst","host":host(n,n-k+2,True,True),"flavor":{"vcpus":1+4*(k-1),"memory_mb":2048*k,"extra_specs":es}})
            # and a fitting variant: one more roomy cell
            out.append({"name":f"blowup-{n}-{k}-smallfirst-fits","host":host(n,n-k+1,True,True),"flavor":{"vcpus":1+4*(k-1),"memory_mb":2048*k,"extra_specs":es}})
for c in out: print(json.dumps(c,sort_keys=True,separators=(',',':')))
