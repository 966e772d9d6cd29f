package dev.parley.app.ui.room;

import dev.parley.app.service.ChatEntry;
import dev.parley.app.service.ChatService;
import dev.parley.app.service.Subscription;
import dev.parley.app.ui.common.UiExecutor;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The chat panel: the last {@value #MAX_LINES} lines, the draft, and the unread count shown on the
 * chat button while the panel is closed. Messages arrive on service threads and are moved to the UI
 * thread here.
 */
public final class ChatViewModel implements AutoCloseable {
    static final int MAX_LINES = 200;
    /** Longest message sent; longer drafts are refused with a hint rather than cut. */
    static final int MAX_LENGTH = 2000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    private final ChatService chat;
    private final UiExecutor ui;
    private final Clock clock;
    private final ObservableList<ChatLine> lines = FXCollections.observableArrayList();
    private final StringProperty draft = new SimpleStringProperty("");
    private final BooleanProperty open = new SimpleBooleanProperty(false);
    private final ReadOnlyIntegerWrapper unread = new ReadOnlyIntegerWrapper(0);
    private final Subscription subscription;

    public ChatViewModel(ChatService chat, UiExecutor ui, Clock clock) {
        this.chat = chat;
        this.ui = ui;
        this.clock = clock;
        open.addListener((obs, was, now) -> {
            if (now) {
                unread.set(0);
            }
        });
        this.subscription = chat.subscribe(m -> ui.execute(() -> receive(m)));
    }

    public ObservableList<ChatLine> lines() {
        return lines;
    }

    public StringProperty draftProperty() {
        return draft;
    }

    public BooleanProperty openProperty() {
        return open;
    }

    public ReadOnlyIntegerProperty unreadProperty() {
        return unread.getReadOnlyProperty();
    }

    /** Sends the draft (Enter). Blank drafts do nothing; too long ones stay with a system hint. */
    public void send() {
        String text = draft.get() == null ? "" : draft.get().strip();
        if (text.isEmpty()) {
            return;
        }
        if (text.length() > MAX_LENGTH) {
            system("Message not sent: it has " + text.length() + " characters, the limit is " + MAX_LENGTH + ".");
            return;
        }
        chat.send(text);
        draft.set("");
    }

    /** Adds a system line such as "Ana joined". */
    public void system(String text) {
        add(new ChatLine(ChatLine.Kind.SYSTEM, "", text, format(clock.instant())));
    }

    private void receive(ChatEntry m) {
        add(new ChatLine(m.fromSelf() ? ChatLine.Kind.SELF : ChatLine.Kind.OTHER, m.senderName(), m.text(), format(m.at())));
        if (!m.fromSelf() && !open.get()) {
            unread.set(unread.get() + 1);
        }
    }

    private void add(ChatLine line) {
        lines.add(line);
        if (lines.size() > MAX_LINES) {
            lines.remove(0, lines.size() - MAX_LINES);
        }
    }

    private String format(Instant at) {
        return TIME.format(at.atZone(clock.getZone() == null ? ZoneId.systemDefault() : clock.getZone()));
    }

    @Override
    public void close() {
        subscription.close();
    }
}
