/** The server's implementation: HTTP handlers, JSON mapping, SSE, metrics and CLI commands. Not an API. */
package io.tributary.server.internal;
