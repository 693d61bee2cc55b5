#!/usr/bin/python3
"""k8s_check.py FILE - parses contrib/kubernetes/bulkrun-cronjob.yaml with a
real YAML parser and checks that its pieces fit together: an Indexed Job
whose completions equal the N of --shard-env JOB_COMPLETION_INDEX/N, the
ConfigMap, Secret and volume claim it names, and the settings a nightly
run of non-idempotent operations needs.  Prints one line per problem;
exit 0 when there is none."""
import sys

import yaml

problems = []


def need(cond, what):
    if not cond:
        problems.append(what)


docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]
by_kind = {}
for d in docs:
    need(isinstance(d, dict) and "apiVersion" in d and "kind" in d
         and "name" in d.get("metadata", {}), "a document without "
         "apiVersion, kind or metadata.name")
    by_kind.setdefault(d.get("kind"), []).append(d)
for kind in ("ConfigMap", "Secret", "PersistentVolumeClaim", "CronJob"):
    need(len(by_kind.get(kind, [])) == 1, "expected one %s" % kind)
if problems:
    print("\n".join(problems))
    sys.exit(1)

cm = by_kind["ConfigMap"][0]
secret = by_kind["Secret"][0]
pvc = by_kind["PersistentVolumeClaim"][0]
cron = by_kind["CronJob"][0]
need(cron["apiVersion"] == "batch/v1", "CronJob apiVersion batch/v1")
spec = cron["spec"]
need(len(spec["schedule"].split()) == 5, "a five-field schedule")
need(spec.get("concurrencyPolicy") == "Forbid", "concurrencyPolicy Forbid")
job = spec["jobTemplate"]["spec"]
need(job.get("completionMode") == "Indexed", "an Indexed Job")
need(job.get("backoffLimit") == 0, "backoffLimit 0: no shard sent twice")
pod = job["template"]["spec"]
need(pod.get("restartPolicy") == "Never", "restartPolicy Never")
(c,) = pod["containers"]
args = [str(a) for a in c["args"]]
need(args[0] == "run", "bulkrun run")
i = args.index("--shard-env")
var, n = args[i + 1].split("/")
need(var == "JOB_COMPLETION_INDEX", "--shard-env JOB_COMPLETION_INDEX/N")
need(int(n) == job["completions"], "--shard-env N == completions")
need(job.get("parallelism", 1) <= job["completions"], "parallelism")
out = args[args.index("-o") + 1]
need("$(JOB_COMPLETION_INDEX)" in out, "one report per shard")
need(any(e.get("name") == "JOB_NAME" for e in c.get("env", [])) or
     "$(JOB_NAME)" not in out, "JOB_NAME defined where it is used")
need([e["secretRef"]["name"] for e in c["envFrom"]] ==
     [secret["metadata"]["name"]], "credentials from the Secret")
vols = {v["name"]: v for v in pod["volumes"]}
mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
manifest = args[1]
mdir, mfile = manifest.rsplit("/", 1)
need(mdir in mounts, "the manifest's directory is mounted")
need(vols[mounts[mdir]].get("configMap", {}).get("name") ==
     cm["metadata"]["name"], "the manifest from the ConfigMap")
need(mfile in cm["data"], "the ConfigMap holds " + mfile)
need(cm["data"][mfile].splitlines()[0].startswith("op,"), "a CSV manifest")
rdir = out.rsplit("/", 1)[0]
need(vols[mounts[rdir]].get("persistentVolumeClaim", {}).get("claimName")
     == pvc["metadata"]["name"], "reports to the volume claim")
need("/tmp" in mounts and "emptyDir" in vols[mounts["/tmp"]],
     "a writable /tmp beside a read-only root")
sc = c.get("securityContext", {})
need(sc.get("readOnlyRootFilesystem") is True, "read-only root")
need(sc.get("allowPrivilegeEscalation") is False, "no privilege escalation")
if problems:
    print("\n".join(problems))
sys.exit(1 if problems else 0)
