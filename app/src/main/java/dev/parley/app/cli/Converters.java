package dev.parley.app.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/** Option converters with messages that say what a good value looks like. */
final class Converters {
    /** Video renditions the encoder knows, smallest first. */
    static final List<String> RENDITIONS = List.of("180p", "360p", "480p", "720p", "1080p");

    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Converters() {}

    /** {@code IP:PORT}, with IPv6 addresses in brackets: {@code [::1]:4443}. Names are not resolved. */
    static final class SocketAddress implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new TypeConversionException("'" + value + "' is not IP:PORT (for example 127.0.0.1:4443 or [::1]:4443)");
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (!host.matches("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")) {
                throw new TypeConversionException("'" + host + "' is not an IP address (names are not looked up)");
            }
            int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value.substring(colon + 1) + "' is not a port number");
            }
            if (port < 0 || port > 65535) {
                throw new TypeConversionException("port " + port + " is outside 0-65535");
            }
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new TypeConversionException("'" + host + "' is not an IP address");
            }
        }
    }

    /** One rendition name out of {@link #RENDITIONS}. */
    static final class Rendition implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String name = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (!RENDITIONS.contains(name)) {
                throw new TypeConversionException("unknown rendition '" + value + "'; choose from " + String.join(", ", RENDITIONS));
            }
            return name;
        }
    }

    /** {@code auto} or one rendition name. */
    static final class RenditionChoice implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return value.trim().equalsIgnoreCase("auto") ? "auto" : new Rendition().convert(value);
        }
    }

    /** A byte count with an optional decimal suffix: {@code 500k}, {@code 2M}, {@code 1G}. */
    static final class ByteRate implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim();
            long unit = 1;
            char last = v.isEmpty() ? ' ' : Character.toLowerCase(v.charAt(v.length() - 1));
            switch (last) {
                case 'k' -> unit = 1_000;
                case 'm' -> unit = 1_000_000;
                case 'g' -> unit = 1_000_000_000;
                default -> { }
            }
            try {
                long n = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1));
                if (n < 0 || n > Long.MAX_VALUE / unit) {
                    throw new NumberFormatException();
                }
                return n * unit;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a byte count (for example 500000, 500k or 2M)");
            }
        }
    }

    /** A profile name usable as a folder name on every platform. */
    static final class Profile implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!PROFILE.matcher(value).matches()) {
                throw new TypeConversionException("profile names are 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit; got '" + value + "'");
            }
            return value;
        }
    }
}
