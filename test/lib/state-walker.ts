/**
 * A small executor of Amazon States Language (JSONPath) definitions for the promotion tests: it walks a
 * synthesized definition from StartAt, applies InputPath, Parameters (paths, the context object and
 * the intrinsics the definitions use), ResultPath and Choice rules as Step Functions does, answers each
 * Task from a function of its payload, and records the states it visited.
 *
 * Why a walker beside moto: its clock is fixed (the times in payloads are exact), Wait states are
 * recorded rather than slept, and it needs no server, so promotion-paths.test.ts can assert each path
 * in detail. moto_server's own interpreter (LocalStack's ASL engine) runs the same scenarios in
 * promotion-moto.test.ts, which requires the walker to enter the same states, send the same payloads
 * and end the same way.
 */

type Json = unknown;
type Obj = Record<string, Json>;

export interface WalkResult {
  /** Every state entered, in order. */
  readonly path: string[];
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  readonly cause?: string;
  readonly output?: Json;
  /** Every Task's payload, in order. */
  readonly invocations: Obj[];
}

export interface WalkOptions {
  readonly executionName?: string;
  /** Answers a Task's payload (the promotion Lambda). Throwing fails the execution with the message. */
  readonly invoke: (payload: Obj) => Json;
  /** Stop after this many states (a definition that loops without end fails the test). */
  readonly maxStates?: number;
}

interface StateDef {
  Type: string;
  Next?: string;
  End?: boolean;
  InputPath?: string | null;
  Parameters?: Obj;
  Result?: Json;
  ResultPath?: string | null;
  Choices?: Obj[];
  Default?: string;
  Error?: string;
  Cause?: string;
  CausePath?: string;
  Seconds?: number;
}

export function walk(definition: { StartAt: string; States: Record<string, Json> }, input: Obj, options: WalkOptions): WalkResult {
  const states = definition.States as Record<string, StateDef>;
  const clock = Date.parse('2026-12-01T12:00:00.000Z');
  let seconds = 0;
  const context = (state: string) => ({ Execution: { Name: options.executionName ?? 'walk-1', Input: input }, State: { Name: state, EnteredTime: new Date(clock + seconds * 1000).toISOString() } });
  const path: string[] = [];
  const invocations: Obj[] = [];
  let data: Json = structuredClone(input);
  let name = definition.StartAt;
  for (let steps = 0; steps < (options.maxStates ?? 10_000); steps++) {
    const s = states[name];
    if (!s) throw new Error(`state ${name} is not in the definition`);
    path.push(name);
    const ctx = context(name);
    switch (s.Type) {
      case 'Pass': {
        const result = s.Parameters ? resolveParameters(s.Parameters, data, ctx) : s.Result !== undefined ? s.Result : data;
        data = applyResultPath(data, result, s.ResultPath);
        break;
      }
      case 'Task': {
        const effective = s.InputPath === undefined ? data : s.InputPath === null ? {} : get(data, s.InputPath);
        const payload = (s.Parameters ? resolveParameters(s.Parameters, effective, ctx) : effective) as Obj;
        invocations.push(payload);
        let result: Json;
        try {
          result = options.invoke(payload);
        } catch (error) {
          return { path, status: 'FAILED', error: 'Error', cause: (error as Error).message, invocations };
        }
        data = applyResultPath(data, result, s.ResultPath);
        break;
      }
      case 'Wait':
        seconds += s.Seconds ?? 0;
        break;
      case 'Choice': {
        const rule = (s.Choices ?? []).find((c) => matches(c, data));
        const next = (rule?.Next as string | undefined) ?? s.Default;
        if (!next) return { path, status: 'FAILED', error: 'States.NoChoiceMatched', invocations };
        name = next;
        continue;
      }
      case 'Succeed':
        return { path, status: 'SUCCEEDED', output: data, invocations };
      case 'Fail':
        return { path, status: 'FAILED', error: s.Error, cause: s.CausePath ? String(get(data, s.CausePath, ctx)) : s.Cause, invocations };
      default:
        throw new Error(`state ${name}: type ${s.Type} is not supported by this walker`);
    }
    if (s.End) return { path, status: 'SUCCEEDED', output: data, invocations };
    if (!s.Next) throw new Error(`state ${name} has neither Next nor End`);
    name = s.Next;
  }
  throw new Error(`no end after ${options.maxStates ?? 10_000} states: ${path.slice(-12).join(' → ')}`);
}

/** `$`, `$.a.b` on the data, `$$.a.b` on the context object. A missing field fails, as States.Runtime does. */
function get(data: Json, path: string, ctx?: Obj): Json {
  const [root, rest] = path.startsWith('$$') ? [ctx, path.slice(2)] : [data, path.slice(1)];
  if (path !== '$' && !path.startsWith('$.') && !path.startsWith('$$.')) throw new Error(`unsupported path ${path}`);
  let v: Json = root;
  for (const key of rest.split('.').filter(Boolean)) {
    if (v === null || typeof v !== 'object' || !(key in (v as Obj))) throw new Error(`States.Runtime: the JSONPath ${path} could not be found in the input`);
    v = (v as Obj)[key];
  }
  return v;
}

function applyResultPath(data: Json, result: Json, resultPath: string | null | undefined): Json {
  if (resultPath === null) return data;
  if (resultPath === undefined || resultPath === '$') return result;
  const keys = resultPath.slice(2).split('.');
  const out = structuredClone(data) as Obj;
  let at = out;
  for (const key of keys.slice(0, -1)) {
    if (at[key] === undefined || typeof at[key] !== 'object') at[key] = {};
    at = at[key] as Obj;
  }
  at[keys[keys.length - 1]] = result;
  return out;
}

function resolveParameters(template: Json, data: Json, ctx: Obj): Json {
  if (Array.isArray(template)) return template.map((t) => resolveParameters(t, data, ctx));
  if (template === null || typeof template !== 'object') return template;
  const out: Obj = {};
  for (const [key, value] of Object.entries(template as Obj)) {
    if (key.endsWith('.$')) out[key.slice(0, -2)] = evaluate(String(value), data, ctx);
    else out[key] = resolveParameters(value, data, ctx);
  }
  return out;
}

/** A path or an intrinsic function call. */
function evaluate(expression: string, data: Json, ctx: Obj): Json {
  const e = expression.trim();
  if (e.startsWith('$')) return get(data, e, ctx);
  if (e.startsWith("'")) return e.slice(1, -1).replace(/\\'/g, "'").replace(/\\([{}\\])/g, '$1');
  if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
  if (e === 'true' || e === 'false') return e === 'true';
  const call = /^States\.(\w+)\(([\s\S]*)\)$/.exec(e);
  if (!call) throw new Error(`unsupported expression ${expression}`);
  const args = splitArguments(call[2]).map((a) => evaluate(a, data, ctx));
  switch (call[1]) {
    case 'MathAdd':
      return (args[0] as number) + (args[1] as number);
    case 'Format': {
      let i = 1;
      return (args[0] as string).replace(/\{\}/g, () => String(args[i++]));
    }
    case 'JsonMerge':
      return { ...(args[0] as Obj), ...(args[1] as Obj) };
    case 'StringToJson':
      return JSON.parse(args[0] as string);
    default:
      throw new Error(`States.${call[1]} is not supported by this walker`);
  }
}

/** Splits intrinsic arguments on top-level commas (outside quotes and parentheses). */
function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (text.trim()) out.push(text.slice(start));
  return out;
}

function matches(rule: Obj, data: Json): boolean {
  if (Array.isArray(rule.And)) return (rule.And as Obj[]).every((r) => matches(r, data));
  if (Array.isArray(rule.Or)) return (rule.Or as Obj[]).some((r) => matches(r, data));
  if (rule.Not) return !matches(rule.Not as Obj, data);
  const value = get(data, rule.Variable as string);
  if ('StringEquals' in rule) return value === rule.StringEquals;
  if ('BooleanEquals' in rule) return value === rule.BooleanEquals;
  if ('NumericGreaterThanEquals' in rule) return (value as number) >= (rule.NumericGreaterThanEquals as number);
  if ('NumericEquals' in rule) return value === rule.NumericEquals;
  if ('IsPresent' in rule) return rule.IsPresent === true;
  throw new Error(`unsupported Choice rule ${JSON.stringify(rule)}`);
}
