/** One worker service of a workerd config: `dir/worker.js` in an isolate of its own. */
export interface WorkerService {
  /** The service's name (a capnp identifier: letters and digits); also its socket's name. */
  name: string;
  /** Text bindings (`env.NAME`). */
  bindings?: Record<string, string>;
  /** Whether it gets a socket on 127.0.0.1 (a port workerd picks). @default true */
  listen?: boolean;
  /**
   * Defines the Durable Object namespace of the exported class `className`, stored in memory for
   * the life of the workerd process, and binds it here as `binding`.
   */
  defines?: { className: string; binding: string };
  /** Binds the namespace another service defines, as `binding` (`env.NAME`). */
  binds?: { className: string; binding: string; serviceName: string };
}

/**
 * The isolates of one deployment that share Durable Objects: `host` defines the namespace of
 * `object` (and hosts the objects), each of `members` binds it under the same name.
 */
export function sharingObjects(
  object: { className: string; binding: string },
  host: { name: string; bindings?: Record<string, string> },
  members: ReadonlyArray<{ name: string; bindings?: Record<string, string> }>,
): WorkerService[] {
  return [
    { ...host, defines: object },
    ...members.map((member) => ({ ...member, binds: { ...object, serviceName: host.name } })),
  ];
}

const quote = (value: string): string => JSON.stringify(value);

function worker(service: WorkerService): string {
  const bindings = Object.entries(service.bindings ?? {}).map(
    ([name, value]) => `    (name = ${quote(name)}, text = ${quote(value)}),`,
  );
  const { defines, binds } = service;
  if (defines)
    bindings.push(
      `    (name = ${quote(defines.binding)}, durableObjectNamespace = ${quote(defines.className)}),`,
    );
  if (binds)
    bindings.push(
      `    (name = ${quote(binds.binding)}, durableObjectNamespace = (className = ${quote(binds.className)}, serviceName = ${quote(binds.serviceName)})),`,
    );
  const objects = defines
    ? `  durableObjectNamespaces = [ (className = ${quote(defines.className)}, uniqueKey = ${quote(`${service.name}-${defines.className}`)}) ],
  durableObjectStorage = (inMemory = void),
`
    : '';
  return `const ${service.name} :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-09-01",
  bindings = [
${bindings.join('\n')}
  ],
${objects}  globalOutbound = "internet",
);
`;
}

/**
 * A workerd config (capnp) for `services`, all running `worker.js`, plus an `internet` network
 * service that may reach loopback (the mock Zenoti). Each listening service has a socket of its name.
 */
export function workerdConfig(services: readonly WorkerService[]): string {
  for (const { name } of services)
    if (!/^[a-z][A-Za-z0-9]*$/.test(name)) throw new Error(`workerd: bad service name ${quote(name)}`);
  const sockets = services
    .filter((s) => s.listen !== false)
    .map(
      (s) => `    (name = ${quote(s.name)}, address = "127.0.0.1:0", http = (), service = ${quote(s.name)}),`,
    );
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
${services.map((s) => `    (name = ${quote(s.name)}, worker = .${s.name}),`).join('\n')}
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [
${sockets.join('\n')}
  ],
);

${services.map(worker).join('\n')}`;
}
