package dev.parley.app.ui.room;

import dev.parley.app.qr.QrCode;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/** A dimmed layer with the room ticket as a QR code and as text. */
final class QrOverlay extends StackPane {
    static final double SIZE = 300;

    QrOverlay(String ticket, Runnable copy, Runnable close) {
        getStyleClass().add("modal-layer");
        setId("qrOverlay");
        Label title = new Label("Invite with this ticket");
        title.getStyleClass().add("panel-title");
        Canvas canvas = new Canvas(SIZE, SIZE);
        canvas.setId("qrCanvas");
        VBox card;
        TextField text = new TextField(ticket);
        text.setEditable(false);
        text.setId("qrTicket");
        Button copyButton = new Button("Copy ticket");
        copyButton.setOnAction(e -> copy.run());
        Button closeButton = new Button("Close");
        closeButton.setId("qrClose");
        closeButton.setOnAction(e -> close.run());
        HBox buttons = new HBox(8, copyButton, closeButton);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        try {
            draw(canvas.getGraphicsContext2D(), QrCode.encode(ticket));
            card = new VBox(12, title, canvas, text, buttons);
        } catch (IllegalArgumentException e) {
            Label error = new Label("This ticket cannot be shown as a QR code: " + e.getMessage() + ". Copy it instead.");
            error.setWrapText(true);
            error.getStyleClass().add("inline-error");
            card = new VBox(12, title, error, text, buttons);
        }
        card.getStyleClass().addAll("card", "qr-card");
        card.setMaxSize(USE_PREF_SIZE, USE_PREF_SIZE);
        card.setAlignment(Pos.CENTER);
        getChildren().add(card);
        setOnMouseClicked(e -> {
            if (e.getTarget() == this) {
                close.run();
            }
        });
    }

    /** One filled square per dark module, on white with the quiet zone. */
    private static void draw(GraphicsContext g, QrCode qr) {
        int modules = qr.size() + 2 * QrCode.QUIET_ZONE;
        double cell = Math.floor(SIZE / modules);
        double offset = (SIZE - cell * modules) / 2;
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, SIZE, SIZE);
        g.setFill(Color.BLACK);
        for (int y = 0; y < qr.size(); y++) {
            for (int x = 0; x < qr.size(); x++) {
                if (qr.isDark(x, y)) {
                    g.fillRect(offset + (x + QrCode.QUIET_ZONE) * cell, offset + (y + QrCode.QUIET_ZONE) * cell, cell, cell);
                }
            }
        }
    }
}
