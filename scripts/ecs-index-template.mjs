#!/usr/bin/env node
// Prints the Elasticsearch index template for `tlsdiag analyze --format ecs` events (docs/ecs/index-template.json):
// the ECS field sets the events use, with the types of the official definitions (the `@elastic/ecs` package), and the
// `tlsdiag.*` fields with the types src/model/ecs.ts gives them. Run after `npm run build`:
//   node scripts/ecs-index-template.mjs > docs/ecs/index-template.json
// test/model/ecs.test.ts checks that the committed file is what this prints.
import { pathToFileURL } from 'node:url';

/** The ECS field sets an event holds: every field of them is mapped, so a later version may fill more of them. */
export const ECS_FIELD_SETS = ['@timestamp', 'ecs', 'event', 'source', 'destination', 'client', 'server', 'network', 'tls', 'error', 'observer'];

/** Mapping parameters carried over from an ECS definition. */
const CARRIED = ['ignore_above', 'scaling_factor', 'doc_values', 'index', 'object_type'];

function mappingOf(definition) {
  const mapping = { type: definition.type };
  for (const key of CARRIED) if (definition[key] !== undefined) mapping[key] = definition[key];
  if (definition.type === 'flattened' || definition.type === 'nested') delete mapping.object_type;
  if (definition.type === 'object') {
    mapping.type = 'object';
    delete mapping.object_type;
  }
  for (const multi of definition.multi_fields ?? []) {
    mapping.fields ??= {};
    mapping.fields[multi.name] = { type: multi.type };
  }
  return mapping;
}

/** Puts a mapping at a dotted path of nested `properties`. */
function place(properties, dotted, mapping) {
  const parts = dotted.split('.');
  let level = properties;
  for (const part of parts.slice(0, -1)) {
    level[part] ??= { properties: {} };
    level[part].properties ??= {};
    level = level[part].properties;
  }
  const last = parts.at(-1);
  // an object field whose children are mapped too keeps its children
  level[last] = level[last]?.properties && mapping.type === 'object' ? level[last] : { ...mapping, ...(level[last]?.properties ? { properties: level[last].properties } : {}) };
  if (level[last].type === 'object' && level[last].properties) delete level[last].type;
}

export function buildIndexTemplate(ecsFlat, ecsVersion, tlsdiagFields) {
  const properties = {};
  const inSets = (name) => ECS_FIELD_SETS.some((set) => name === set || name.startsWith(`${set}.`));
  for (const name of Object.keys(ecsFlat).filter(inSets).sort()) place(properties, name, mappingOf(ecsFlat[name]));
  for (const name of Object.keys(tlsdiagFields).sort()) {
    const type = tlsdiagFields[name];
    place(properties, name, type === 'keyword' ? { type, ignore_above: 1024 } : { type });
  }
  return {
    index_patterns: ['tlsdiag-*'],
    data_stream: {},
    priority: 200,
    template: {
      mappings: {
        _meta: { ecs_version: ecsVersion, generator: 'scripts/ecs-index-template.mjs' },
        date_detection: false,
        dynamic: false,
        properties,
      },
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { EcsFlat } = await import('@elastic/ecs');
  const { ECS_VERSION, TLSDIAG_FIELDS } = await import('../dist/model/ecs.js');
  process.stdout.write(JSON.stringify(buildIndexTemplate(EcsFlat, ECS_VERSION, TLSDIAG_FIELDS), null, 2) + '\n');
}
