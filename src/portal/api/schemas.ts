/**
 * TypeBox schemas of the portal API: they validate requests, shape answers (fastify serializes by them, so
 * a field not in a schema, such as a password hash, can never leak) and are the OpenAPI document
 * (openapi.ts). Field names are Waldur's.
 */
import { type Static, type TSchema, Type } from '@fastify/type-provider-typebox';
import { CUSTOMER_OWNER, PROJECT_MANAGER, PROJECT_MEMBER } from './access.ts';
import { PageQuery } from './pagination.ts';

const closed = { additionalProperties: false } as const;
const Uuid = Type.String({ pattern: '^[0-9a-f]{32}$' });
const Time = Type.String({ format: 'date-time' });
const Name = Type.String({ minLength: 1, maxLength: 150 });
const Email = Type.String({ maxLength: 254, pattern: '^$|^[^@\\s]+@[^@\\s]+$' });

export const UuidParams = Type.Object({ uuid: Uuid });
export type UuidParams = Static<typeof UuidParams>;

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }),
});

/** A list: the array in the body, the total and the links in headers. */
export const List = <T extends TSchema>(item: T) => Type.Array(item);

// ---- identity

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 150 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  closed,
);
export const TokenAnswer = Type.Object({ token: Type.String(), expires: Type.Union([Time, Type.Null()]) });

export const User = Type.Object({
  uuid: Uuid,
  url: Type.String(),
  username: Type.String(),
  email: Type.String(),
  full_name: Type.String(),
  is_staff: Type.Boolean(),
  is_active: Type.Boolean(),
  created: Time,
  modified: Time,
});

const Username = Type.String({ pattern: '^[A-Za-z0-9@.+_-]{1,150}$' });
const Password = Type.String({ minLength: 8, maxLength: 1024 });

export const UserCreateBody = Type.Object(
  {
    username: Username,
    email: Type.Optional(Email),
    full_name: Type.Optional(Type.String({ maxLength: 150 })),
    password: Type.Optional(Password),
    is_staff: Type.Optional(Type.Boolean()),
    is_active: Type.Optional(Type.Boolean()),
  },
  closed,
);
export type UserCreateBody = Static<typeof UserCreateBody>;

export const UserPatchBody = Type.Object(
  {
    email: Type.Optional(Email),
    full_name: Type.Optional(Type.String({ maxLength: 150 })),
    password: Type.Optional(Password),
    is_staff: Type.Optional(Type.Boolean()),
    is_active: Type.Optional(Type.Boolean()),
  },
  closed,
);
export type UserPatchBody = Static<typeof UserPatchBody>;

export const UserQuery = Type.Object({ ...PageQuery, username: Type.Optional(Type.String()) });

// ---- organisations and projects

export const Customer = Type.Object({
  uuid: Uuid,
  url: Type.String(),
  name: Type.String(),
  abbreviation: Type.String(),
  email: Type.String(),
  created: Time,
  modified: Time,
});

export const CustomerCreateBody = Type.Object(
  { name: Name, abbreviation: Type.Optional(Type.String({ maxLength: 12 })), email: Type.Optional(Email) },
  closed,
);
export type CustomerCreateBody = Static<typeof CustomerCreateBody>;
export const CustomerPatchBody = Type.Partial(CustomerCreateBody, closed);
export type CustomerPatchBody = Static<typeof CustomerPatchBody>;
export const CustomerQuery = Type.Object({ ...PageQuery, name: Type.Optional(Type.String()) });

export const Project = Type.Object({
  uuid: Uuid,
  url: Type.String(),
  name: Type.String(),
  description: Type.String(),
  customer: Type.String(),
  customer_uuid: Uuid,
  customer_name: Type.String(),
  created: Time,
  modified: Time,
});

export const ProjectCreateBody = Type.Object(
  {
    name: Name,
    customer: Type.String({ description: 'URL or uuid of the organisation' }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  closed,
);
export type ProjectCreateBody = Static<typeof ProjectCreateBody>;
export const ProjectPatchBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Type.String({ maxLength: 2000 })) },
  closed,
);
export type ProjectPatchBody = Static<typeof ProjectPatchBody>;
export const ProjectQuery = Type.Object({
  ...PageQuery,
  name: Type.Optional(Type.String()),
  customer_uuid: Type.Optional(Uuid),
});

// ---- roles (Waldur's add_user / delete_user / list_users actions)

export const CustomerRoleBody = Type.Object(
  { user: Type.String({ description: 'URL or uuid of the user' }), role: Type.Literal(CUSTOMER_OWNER) },
  closed,
);
export const ProjectRoleBody = Type.Object(
  {
    user: Type.String({ description: 'URL or uuid of the user' }),
    role: Type.Union([Type.Literal(PROJECT_MANAGER), Type.Literal(PROJECT_MEMBER)]),
  },
  closed,
);
export type RoleBody = { user: string; role: string };
export const DeleteRoleBody = Type.Object({ user: Type.String(), role: Type.String() }, closed);

export const RoleAnswer = Type.Object({
  user_uuid: Uuid,
  user_url: Type.String(),
  user_username: Type.String(),
  user_full_name: Type.String(),
  role_name: Type.String(),
  created: Time,
  created_by_uuid: Type.Union([Uuid, Type.Null()]),
});

// ---- audit

export const Event = Type.Object({
  uuid: Uuid,
  created: Time,
  event_type: Type.String(),
  message: Type.String(),
  user_uuid: Type.Union([Uuid, Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  resource_type: Type.Union([Type.String(), Type.Null()]),
  resource_uuid: Type.Union([Uuid, Type.Null()]),
  customer_uuid: Type.Union([Uuid, Type.Null()]),
  context: Type.Record(Type.String(), Type.Unknown()),
});

export const EventQuery = Type.Object({
  ...PageQuery,
  event_type: Type.Optional(Type.String()),
  user_uuid: Type.Optional(Uuid),
  resource_uuid: Type.Optional(Uuid),
  resource_type: Type.Optional(Type.String()),
  created_from: Type.Optional(Time),
  created_to: Type.Optional(Time),
});
export type EventQuery = Static<typeof EventQuery>;
