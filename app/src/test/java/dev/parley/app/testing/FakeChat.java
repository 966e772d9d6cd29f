package dev.parley.app.testing;

import dev.parley.app.service.ChatEntry;
import dev.parley.app.service.ChatService;
import dev.parley.app.service.Subscription;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Chat that echoes our sends back as our own messages and lets the test deliver others' messages. */
public final class FakeChat implements ChatService {
    public final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<Consumer<ChatEntry>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void send(String text) {
        sent.add(text);
        deliver(new ChatEntry("self", "Me", text, Instant.now(), true));
    }

    @Override
    public Subscription subscribe(Consumer<ChatEntry> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public void deliver(ChatEntry m) {
        listeners.forEach(l -> l.accept(m));
    }

    public int listenerCount() {
        return listeners.size();
    }
}
