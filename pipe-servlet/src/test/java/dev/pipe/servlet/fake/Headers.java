package dev.pipe.servlet.fake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP header fields as the Servlet API sees them. The rule: names match case-insensitively and keep the case of the
 * {@code set} (or first {@code add}) that made them; names list in the order made; values keep their order.
 */
public final class Headers {

    private final Map<String, Field> fields = new LinkedHashMap<>(); // by lower-case name

    /** Adds a value to {@code name}. */
    public synchronized void add(String name, String value) {
        fields.computeIfAbsent(key(name), k -> new Field(name)).values.add(value);
    }

    /** Replaces every value of {@code name} with {@code value}; a null value removes the field. */
    public synchronized void set(String name, String value) {
        fields.remove(key(name));
        if (value != null) {
            add(name, value);
        }
    }

    /** Removes the field. */
    public synchronized void remove(String name) {
        fields.remove(key(name));
    }

    /** The first value of {@code name}, or null. */
    public synchronized String get(String name) {
        Field field = fields.get(key(name));
        return field == null ? null : field.values.get(0);
    }

    /** Every value of {@code name}, in order; empty when there is none. */
    public synchronized List<String> getAll(String name) {
        Field field = fields.get(key(name));
        return field == null ? List.of() : List.copyOf(field.values);
    }

    /** The names, as set. */
    public synchronized List<String> names() {
        return fields.values().stream().map(field -> field.name).toList();
    }

    /** True when {@code name} has a value. */
    public synchronized boolean contains(String name) {
        return fields.containsKey(key(name));
    }

    /** Removes every field. */
    public synchronized void clear() {
        fields.clear();
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public synchronized String toString() {
        StringBuilder text = new StringBuilder();
        fields.values().forEach(field -> field.values.forEach(v -> text.append(field.name).append(": ").append(v)
                .append('\n')));
        return text.toString();
    }

    private static final class Field {
        final String name;
        final List<String> values = new ArrayList<>();

        Field(String name) {
            this.name = name;
        }
    }
}
