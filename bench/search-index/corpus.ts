// Realistic alert text for sizing the search index: what kube-prometheus's
// default rules and Alertmanager send for a cluster (pods with their
// ReplicaSet and pod hashes, node addresses, image digests, trace ids), in
// proportions a busy cluster sees. Deterministic (a seeded generator), so
// two runs measure the same text.

function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const NAMESPACES = ["payments", "checkout", "search", "auth", "ingest", "monitoring", "kube-system", "billing"];
const APPS = ["api", "worker", "gateway", "scheduler", "indexer", "web", "consumer", "cron"];
const CONTAINERS = ["app", "sidecar", "istio-proxy", "migrate"];

export function alertCorpus(seed = 1) {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(random() * 16)]).join("");
  const alnum = (n: number) => Array.from({ length: n }, () => "bcdfghjklmnpqrstvwxz2456789"[Math.floor(random() * 27)]).join("");
  const pod = () => `${pick(APPS)}-${alnum(10)}-${alnum(5)}`;
  const node = () => `ip-10-${Math.floor(random() * 255)}-${Math.floor(random() * 255)}-${Math.floor(random() * 255)}.ec2.internal`;
  const kinds = [
    () => ({
      title: `KubePodCrashLooping ${pick(NAMESPACES)}/${pod()}`,
      body: `Pod ${pick(NAMESPACES)}/${pod()} (${pick(CONTAINERS)}) is in waiting state (reason: "CrashLoopBackOff") on node ${node()}. Image registry.example.com/${pick(APPS)}@sha256:${hex(64)}. Runbook: https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping`,
    }),
    () => ({
      title: `KubeNodeNotReady ${node()}`,
      body: `${node()} has been unready for more than 15 minutes. Kubelet last heartbeat ${Math.floor(random() * 900)}s ago; pods ${pod()}, ${pod()} and ${pod()} evicted.`,
    }),
    () => ({
      title: `HighErrorRate ${pick(NAMESPACES)}-${pick(APPS)}`,
      body: `5xx ratio ${(random() * 20).toFixed(2)}% over 5m on ${pick(APPS)}.${pick(NAMESPACES)}.svc (trace ${hex(32)}, span ${hex(16)}). java.lang.IllegalStateException: connection pool exhausted at com.example.${pick(APPS)}.Pool.acquire`,
    }),
    () => ({
      title: `KubeDeploymentReplicasMismatch ${pick(NAMESPACES)}/${pick(APPS)}`,
      body: `Deployment ${pick(NAMESPACES)}/${pick(APPS)} has not matched the expected number of replicas for longer than 15 minutes. ReplicaSet ${pick(APPS)}-${alnum(10)}: ${Math.floor(random() * 5)} of ${3 + Math.floor(random() * 5)} ready.`,
    }),
  ];
  return () => pick(kinds)();
}
