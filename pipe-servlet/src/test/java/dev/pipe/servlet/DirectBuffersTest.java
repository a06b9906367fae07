package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pipe.core.PipeConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chunk pool keeps a bounded number of idle chunks, and a bounded amount of idle direct memory. */
class DirectBuffersTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    @Test
    void afterABurstThePoolKeepsAtMostItsCapacityOfIdleChunks() throws Exception {
        DirectBuffers pool = new DirectBuffers(4 * KIB, 3);
        List<ByteBuffer> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            burst.add(pool.acquire());
        }
        burst.forEach(pool::release);
        assertEquals(3, pool.idle(), "two of the five dropped");
        assertEquals(0, pool.outstanding());
    }

    @Test
    void theServletKeepsThirtyTwoSmallChunksButNoMoreThanEightMibOfLargeOnes() {
        assertEquals(32, servletPool(64 * KIB).capacity());
        assertEquals(32, servletPool(256 * KIB).capacity());
        assertEquals(8, servletPool(MIB).capacity(), "the standalone server's chunk");
        assertEquals(1, servletPool(16 * MIB).capacity(), "at least one, however large");
    }

    private static DirectBuffers servletPool(int chunkSize) {
        PipeServlet servlet = new PipeServlet(PipeConfig.defaults().withChunkSize(chunkSize));
        try {
            return servlet.chunks();
        } finally {
            servlet.destroy();
        }
    }
}
