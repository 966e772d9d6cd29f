package dev.parley.app;

/** Entry point of the {@code parley} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String version = Main.class.getPackage().getImplementationVersion();
        System.out.println("parley " + (version == null ? "dev" : version));
    }
}
