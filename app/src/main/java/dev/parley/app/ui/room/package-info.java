/**
 * The room screen: {@link dev.parley.app.ui.room.RoomViewModel} (tiles, controls and shortcuts, large
 * view, active speaker, reconnecting banner), {@link dev.parley.app.ui.room.TileViewModel} per
 * participant, {@link dev.parley.app.ui.room.ChatViewModel}, and their views. View-models talk to the
 * {@link dev.parley.app.service.RoomSession}; views only bind and forward input.
 */
package dev.parley.app.ui.room;
