package dev.parley.app.testing;

import dev.parley.app.service.ChatService;
import dev.parley.app.service.RoomSession;
import dev.parley.app.service.RoomUpdate;
import dev.parley.app.service.ServiceException;
import dev.parley.app.service.Subscription;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An in-memory room for UI tests (the rooms module is not wired into the app yet): it records the
 * control calls and lets the test emit room events.
 */
public final class FakeRoomSession implements RoomSession {
    public final FakeParticipant self = new FakeParticipant("self", "Me", true, List.of());
    public final FakeChat chat = new FakeChat();
    public final List<String> calls = new CopyOnWriteArrayList<>();
    public volatile boolean failScreenShare;
    /** When set, device switches fail with this message. */
    public volatile String failSwitch;
    public volatile boolean closed;
    private final List<Consumer<RoomUpdate>> listeners = new CopyOnWriteArrayList<>();
    private final String ticket;

    public FakeRoomSession(String ticket) {
        this.ticket = ticket;
    }

    @Override
    public String ticket() {
        return ticket;
    }

    @Override
    public FakeParticipant self() {
        return self;
    }

    @Override
    public Subscription subscribe(Consumer<RoomUpdate> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public void emit(RoomUpdate e) {
        listeners.forEach(l -> l.accept(e));
    }

    @Override
    public ChatService chat() {
        return chat;
    }

    @Override
    public void setMicMuted(boolean muted) {
        calls.add("mic-muted=" + muted);
    }

    @Override
    public void setCameraOn(boolean on) {
        calls.add("camera=" + on);
    }

    @Override
    public void setScreenSharing(boolean on) {
        if (failScreenShare) {
            throw new ServiceException("No screen can be captured on this machine.");
        }
        calls.add("screen=" + on);
    }

    @Override
    public void setEchoCancellation(boolean on) {
        calls.add("echo=" + on);
    }

    @Override
    public void setRecording(java.nio.file.Path dir) {
        calls.add("record=" + dir);
    }

    @Override
    public void switchCamera(dev.parley.app.service.DeviceChoice camera) {
        switched("camera", camera);
    }

    @Override
    public void switchMicrophone(dev.parley.app.service.DeviceChoice microphone) {
        switched("microphone", microphone);
    }

    @Override
    public void switchSpeaker(dev.parley.app.service.DeviceChoice speaker) {
        switched("speaker", speaker);
    }

    private void switched(String kind, dev.parley.app.service.DeviceChoice choice) {
        if (failSwitch != null) {
            throw new ServiceException(failSwitch);
        }
        calls.add(kind + "=" + choice.id());
    }

    @Override
    public void close() {
        closed = true;
    }

    public int listenerCount() {
        return listeners.size();
    }
}
