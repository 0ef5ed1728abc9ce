package org.mallocsim.kernel.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The host address the TLB's hit path adds to: the same bytes as the slab's ByteBuffer reads. */
class HostMemoryTest {
    @Test
    void theHostAddressReachesTheBuffersBytesInNativeOrder() {
        ByteBuffer b = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
        b.putLong(8, 0x1122_3344_5566_7788L);
        long base = HostMemory.address(b);

        assertThat(HostMemory.UNSAFE.getLong(base + 8)).isEqualTo(0x1122_3344_5566_7788L);
        HostMemory.UNSAFE.putInt(base + 4092, 0xcafe_f00d);
        assertThat(b.getInt(4092)).isEqualTo(0xcafe_f00d);
    }

    @Test
    void aHeapBufferHasNoHostAddress() {
        assertThatThrownBy(() -> HostMemory.address(ByteBuffer.allocate(16)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
