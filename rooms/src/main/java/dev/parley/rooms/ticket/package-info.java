/** The room ticket: one copy-paste string with the room's topic and peers to join through. */
package dev.parley.rooms.ticket;
