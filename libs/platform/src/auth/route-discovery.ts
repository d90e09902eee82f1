/**
 * Every HTTP route of an app from its controllers' metadata (Nest's, not a hand list), with how the
 * AuthGuard treats it (`routeAccessOf`, the guard's own rule). The route matrix tests every route
 * with it, and the OpenAPI document is completed from it (`openapi.ts`), so neither can disagree
 * with the guard.
 */
import type { INestApplication, Type } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { HEADERS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger/dist/constants';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from './auth.options';
import { routeAccessOf, type RouteAccess } from './decorators';

export interface DiscoveredRoute {
  method: string;
  /** Express-style pattern, e.g. `/cases/:id` */
  path: string;
  /** `GET /cases/:id`: the key in the route table */
  key: string;
  controller: string;
  handler: string;
  access: RouteAccess;
  /** The media types the route says it sends (`@ApiProduces`, else its `@Header('Content-Type')`); empty: JSON. */
  produces: string[];
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [''] : [String(v)]);

function joinPath(...parts: string[]): string {
  const joined =
    '/' +
    parts
      .map((p) => p.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/');
  return joined;
}

/** Every HTTP route of the app, from its controllers' metadata. */
export function discoverRoutes(app: INestApplication, options: { globalPrefix?: string } = {}): DiscoveredRoute[] {
  let resolved: ResolvedAuthOptions;
  try {
    resolved = app.get<ResolvedAuthOptions>(AUTH_OPTIONS, { strict: false });
  } catch {
    throw new Error('routeMatrix: the app has no AuthModule; every service must import it');
  }
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const seen = new Set<string>();
  const routes: DiscoveredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Type<unknown> | undefined;
    if (!controller || typeof controller !== 'function') continue;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue; // Kafka handlers and plain methods
      for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
        for (const sub of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
          const path = joinPath(options.globalPrefix ?? '', base, sub);
          const key = `${RequestMethod[method]} ${path}`;
          if (seen.has(`${key} ${controller.name}`)) continue;
          seen.add(`${key} ${controller.name}`);
          routes.push({
            method: RequestMethod[method],
            path,
            key,
            controller: controller.name,
            handler: name,
            access: routeAccessOf(reflector, handler, controller, resolved.publicControllers),
            produces: producesOf(handler, controller),
          });
        }
      }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

function producesOf(handler: object, controller: object): string[] {
  const declared = (Reflect.getMetadata(DECORATORS.API_PRODUCES, handler) ?? Reflect.getMetadata(DECORATORS.API_PRODUCES, controller)) as string[] | undefined;
  if (declared?.length) return declared;
  const headers = (Reflect.getMetadata(HEADERS_METADATA, handler) ?? []) as Array<{ name: string; value: unknown }>;
  const type = headers.find((h) => h.name.toLowerCase() === 'content-type')?.value;
  return typeof type === 'string' ? [type.split(';')[0].trim()] : [];
}
