// The build (apps/server/build.mjs) replaces __LEMON_VERSION__ with the workspace version.
declare const __LEMON_VERSION__: string | undefined;

export const SERVER_VERSION: string = typeof __LEMON_VERSION__ === 'string' ? __LEMON_VERSION__ : '0.0.0-dev';
