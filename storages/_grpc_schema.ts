// The messages of Optuna's gRPC storage service (package `optuna`, service `StorageService`,
// as Optuna 5.0's proxy serves them), described here field by field and turned into protobuf
// descriptors at load time: no generated code. Only the calls and fields this module uses are
// described; a decoder skips the fields it does not know.
// deno-lint-ignore-file no-import-prefix -- kept out of the import map (see docs/development.md)
import {
  create,
  createFileRegistry,
  type DescMessage,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "npm:@bufbuild/protobuf@^2.17.0";
import {
  type DescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  type FieldDescriptorProtoSchema,
  FileDescriptorProtoSchema,
} from "npm:@bufbuild/protobuf@^2.17.0/wkt";

/** A field: its number and type; `[]` after a type repeats it, `map<string,string>` is a map. */
type Fields = Record<string, [number, string]>;

const MESSAGES: Record<string, Fields> = {
  CreateNewStudyRequest: { directions: [1, "StudyDirection[]"], study_name: [2, "string"] },
  CreateNewStudyReply: { study_id: [1, "int64"] },
  GetStudyIdFromNameRequest: { study_name: [1, "string"] },
  GetStudyIdFromNameReply: { study_id: [1, "int64"] },
  GetStudyNameFromIdRequest: { study_id: [1, "int64"] },
  GetStudyNameFromIdReply: { study_name: [1, "string"] },
  GetStudyDirectionsRequest: { study_id: [1, "int64"] },
  GetStudyDirectionsReply: { directions: [1, "StudyDirection[]"] },
  GetStudySystemAttributesRequest: { study_id: [1, "int64"] },
  GetStudySystemAttributesReply: { system_attributes: [1, "map<string,string>"] },
  SetStudySystemAttributeRequest: {
    study_id: [1, "int64"],
    key: [2, "string"],
    value: [3, "string"],
  },
  SetStudySystemAttributeReply: {},
  GetAllStudiesRequest: {},
  GetAllStudiesReply: { studies: [1, "Study[]"] },
  CreateNewTrialRequest: {
    study_id: [1, "int64"],
    template_trial: [2, "Trial"],
    template_trial_is_none: [3, "bool"],
  },
  CreateNewTrialReply: { trial_id: [1, "int64"] },
  GetTrialIdFromStudyIdTrialNumberRequest: { study_id: [1, "int64"], trial_number: [2, "int64"] },
  GetTrialIdFromStudyIdTrialNumberReply: { trial_id: [1, "int64"] },
  SetTrialStateValuesRequest: {
    trial_id: [1, "int64"],
    state: [2, "TrialState"],
    values: [3, "double[]"],
  },
  SetTrialStateValuesReply: { trial_updated: [1, "bool"] },
  SetTrialSystemAttributeRequest: {
    trial_id: [1, "int64"],
    key: [2, "string"],
    value: [3, "string"],
  },
  SetTrialSystemAttributeReply: {},
  SetTrialParameterRequest: {
    trial_id: [1, "int64"],
    param_name: [2, "string"],
    param_value_internal: [3, "double"],
    distribution: [4, "string"],
  },
  SetTrialParameterReply: {},
  SetTrialIntermediateValueRequest: {
    trial_id: [1, "int64"],
    step: [2, "int64"],
    intermediate_value: [3, "double"],
  },
  SetTrialIntermediateValueReply: {},
  SetTrialUserAttributeRequest: {
    trial_id: [1, "int64"],
    key: [2, "string"],
    value: [3, "string"],
  },
  SetTrialUserAttributeReply: {},
  SetStudyUserAttributeRequest: {
    study_id: [1, "int64"],
    key: [2, "string"],
    value: [3, "string"],
  },
  SetStudyUserAttributeReply: {},
  GetStudyUserAttributesRequest: { study_id: [1, "int64"] },
  GetStudyUserAttributesReply: { user_attributes: [1, "map<string,string>"] },
  GetTrialRequest: { trial_id: [1, "int64"] },
  GetTrialReply: { trial: [1, "Trial"] },
  GetTrialsRequest: {
    study_id: [1, "int64"],
    included_trial_ids: [2, "int64[]"],
    trial_id_greater_than: [3, "int64"],
  },
  GetTrialsReply: { trials: [1, "Trial[]"] },
  Study: {
    study_id: [1, "int64"],
    study_name: [2, "string"],
    directions: [3, "StudyDirection[]"],
    system_attributes: [5, "map<string,string>"],
  },
  Trial: {
    trial_id: [1, "int64"],
    number: [2, "int64"],
    state: [3, "TrialState"],
    values: [4, "double[]"],
    datetime_start: [5, "string"],
    datetime_complete: [6, "string"],
    params: [7, "map<string,double>"],
    distributions: [8, "map<string,string>"],
    user_attributes: [9, "map<string,string>"],
    system_attributes: [10, "map<string,string>"],
    intermediate_values: [11, "map<int64,double>"],
  },
};

/** The proto enums, in Optuna's numbering (not Python's `StudyDirection` enum, which has NOT_SET). */
export const STUDY_DIRECTIONS = ["minimize", "maximize"] as const;
export const TRIAL_STATES = ["RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"] as const;

const ENUMS: Record<string, readonly string[]> = {
  StudyDirection: ["MINIMIZE", "MAXIMIZE"],
  TrialState: TRIAL_STATES,
};

const SCALARS: Record<string, Type> = {
  int64: Type.INT64,
  string: Type.STRING,
  double: Type.DOUBLE,
  bool: Type.BOOL,
};

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function field(name: string, number: number, spec: string, owner: string): {
  field: MessageInitShape<typeof FieldDescriptorProtoSchema>;
  nested?: MessageInitShape<typeof DescriptorProtoSchema>;
} {
  const common = { name, number, jsonName: camel(name) };
  const map = /^map<(\w+),(\w+)>$/.exec(spec);
  if (map) {
    const entry = `${camel(`_${name}`)}Entry`;
    return {
      field: {
        ...common,
        label: Label.REPEATED,
        type: Type.MESSAGE,
        typeName: `.optuna.${owner}.${entry}`,
      },
      nested: {
        name: entry,
        field: [
          field("key", 1, map[1], owner).field,
          field("value", 2, map[2], owner).field,
        ],
        options: { mapEntry: true },
      },
    };
  }
  const repeated = spec.endsWith("[]");
  const base = repeated ? spec.slice(0, -2) : spec;
  const label = repeated ? Label.REPEATED : Label.OPTIONAL;
  if (base in SCALARS) return { field: { ...common, label, type: SCALARS[base] } };
  const type = base in ENUMS ? Type.ENUM : Type.MESSAGE;
  return { field: { ...common, label, type, typeName: `.optuna.${base}` } };
}

const registry = createFileRegistry(
  create(FileDescriptorProtoSchema, {
    name: "optuna/storages/_grpc/api.proto",
    package: "optuna",
    syntax: "proto3",
    enumType: Object.entries(ENUMS).map(([name, values]) => ({
      name,
      value: values.map((value, number) => ({ name: value, number })),
    })),
    messageType: Object.entries(MESSAGES).map(([name, fields]) => {
      const built = Object.entries(fields).map(([f, [n, spec]]) => field(f, n, spec, name));
      return {
        name,
        field: built.map((b) => b.field),
        nestedType: built.flatMap((b) => (b.nested ? [b.nested] : [])),
      };
    }),
  }),
  () => undefined,
);

/** The descriptor of one message, by its name in `MESSAGES`. */
export function message(name: string): DescMessage {
  const desc = registry.getMessage(`optuna.${name}`);
  if (!desc) throw new Error(`No message optuna.${name} is described`);
  return desc;
}

/** Encodes a plain object (camelCase fields) as the named message. */
export function encode(name: string, value: Record<string, unknown>): Uint8Array {
  const desc = message(name);
  return toBinary(desc, create(desc, value as never));
}

/** Decodes the named message into a plain object (camelCase fields; int64 as `bigint`). */
// deno-lint-ignore no-explicit-any
export function decode(name: string, bytes: Uint8Array): MessageShape<DescMessage> & any {
  return fromBinary(message(name), bytes);
}
