/**
 * The services the app talks to, defined by the app: {@link dev.parley.app.service.CallService}
 * (rooms), {@link dev.parley.app.service.DeviceService} (capture and preview),
 * {@link dev.parley.app.service.ChatService}, and the frame and stats feeds a tile polls. View-models are
 * the only callers. Adapters in {@code dev.parley.app.wiring} implement them over the media and rooms
 * modules. Listeners are called on service threads; view-models hop to the UI thread themselves.
 */
package dev.parley.app.service;
