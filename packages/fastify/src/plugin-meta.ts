// How Fastify reads a plugin function, set by hand (what the `fastify-plugin` package does, without a
// dependency): `skip-override` makes the plugin run in the context it is registered in, so that its
// decorators and hooks reach that context and the contexts inside it, not a private child of its
// own; `plugin-meta` gives it a name (for `hasPlugin()`, errors, the plugin tree) and the Fastify
// major it is written for (Fastify refuses to load it on another one).

const META = Symbol.for('plugin-meta');
const DISPLAY_NAME = Symbol.for('fastify.display-name');
const SKIP_OVERRIDE = Symbol.for('skip-override');

/** `plugin`, named for Fastify. It stays encapsulated: what it adds is seen only by its own routes. */
export function named<P extends object>(plugin: P, name: string): P {
  Object.assign(plugin, { [META]: { name, fastify: '5.x' }, [DISPLAY_NAME]: name });
  return plugin;
}

/** `plugin`, named, and run in the context it is registered in (its decorators and hooks are that context's). */
export function sharedWithParent<P extends object>(plugin: P, name: string): P {
  return Object.assign(named(plugin, name), { [SKIP_OVERRIDE]: true });
}
