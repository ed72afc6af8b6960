import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

/** See join-upgrade.mjs. */
export function joinUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, upstream: URL): Socket;
