package dev.pipe.servlet;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * A stream's own {@code read(ByteBuffer)} and {@code write(ByteBuffer)}, found at run time, since the servlet is
 * compiled against Servlet 6.0: Servlet 6.1 declares both (Tomcat 11, Jetty ee11), and Jetty ee10's and Tomcat 10.1's
 * streams have their own. Found once per stream class; a call costs no allocation.
 *
 * <p>The read's contract differs: Servlet 6.1 (and Tomcat) leave the buffer's position where it was and set its limit
 * after the bytes read; Jetty advances the position. {@link Reads#read} turns either into the one
 * {@link Container.BufferReads} asks for: the bytes in {@code [position, position + n)}, the position after them, the
 * limit as it was.
 */
final class BufferIo {

    private static final MethodType READ = MethodType.methodType(int.class, ByteBuffer.class);
    private static final MethodType WRITE = MethodType.methodType(void.class, ByteBuffer.class);

    /** True when the Servlet API itself has buffer reads and writes (6.1), whatever the container. */
    static final boolean SERVLET_61 = declares(ServletInputStream.class, "read", ByteBuffer.class)
            && declares(ServletOutputStream.class, "write", ByteBuffer.class);

    private static final ClassValue<MethodHandle> READS = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return find(type, "read", READ, ServletInputStream.class);
        }
    };

    private static final ClassValue<MethodHandle> WRITES = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return find(type, "write", WRITE, ServletOutputStream.class);
        }
    };

    private BufferIo() {
    }

    /** The buffer reads of {@code in}'s own class, or null when it has none. */
    static Container.BufferReads reads(ServletInputStream in) {
        MethodHandle read = READS.get(in.getClass());
        return read == null ? null : new Reads(in, read);
    }

    /**
     * The buffer writes of {@code out}'s own class, or null when it has none; {@code aggregates} says whether the
     * container may keep the bytes until a flush (Tomcat copies them into its buffer; Jetty writes them as they are).
     */
    static Container.BufferWrites writes(ServletOutputStream out, boolean aggregates) {
        MethodHandle write = WRITES.get(out.getClass());
        return write == null ? null : new Writes(out, write, aggregates);
    }

    private static boolean declares(Class<?> type, String name, Class<?> parameter) {
        try {
            type.getMethod(name, parameter);
            return true;
        } catch (NoSuchMethodException absent) {
            return false;
        }
    }

    /**
     * {@code name(ByteBuffer)} of {@code type}, typed to take any stream of {@code base}; else the API's own
     * ({@code base}'s, Servlet 6.1) when the class cannot be reached; null when neither has it.
     */
    private static MethodHandle find(Class<?> type, String name, MethodType method, Class<?> base) {
        for (Class<?> owner : new Class<?>[] {type, base}) {
            try {
                MethodHandle found = MethodHandles.publicLookup().findVirtual(owner, name, method);
                return found.asType(method.insertParameterTypes(0, base));
            } catch (NoSuchMethodException | IllegalAccessException absent) {
                // not this one's
            }
        }
        return null;
    }

    private record Reads(ServletInputStream in, MethodHandle read) implements Container.BufferReads {
        @Override
        public int read(ByteBuffer into) throws IOException {
            int start = into.position();
            int limit = into.limit();
            int n = invoke(into);
            into.limit(limit).position(start + Math.max(n, 0));
            return n;
        }

        private int invoke(ByteBuffer into) throws IOException {
            try {
                return (int) read.invokeExact(in, into);
            } catch (IOException | RuntimeException | Error x) {
                throw x;
            } catch (Throwable unexpected) {
                throw new IOException(unexpected);
            }
        }
    }

    private record Writes(ServletOutputStream out, MethodHandle write, boolean aggregates)
            implements Container.BufferWrites {
        @Override
        public void write(ByteBuffer bytes) throws IOException {
            try {
                write.invokeExact(out, bytes);
            } catch (IOException | RuntimeException | Error x) {
                throw x;
            } catch (Throwable unexpected) {
                throw new IOException(unexpected);
            }
        }
    }
}
