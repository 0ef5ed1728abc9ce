package org.mallocsim.kernel.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mallocsim.kernel.paging.FaultHandler.PF_PROT;
import static org.mallocsim.kernel.paging.FaultHandler.PF_USER;
import static org.mallocsim.kernel.paging.FaultHandler.PF_WRITE;

import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.OutOfMemoryKill;
import org.mallocsim.kernel.SegmentationFault;

class MmuTest {
    private static final long PAGE = 4096;
    private static final long BASE = 0x5555_0000_0000L;
    private static final long END = BASE + 64 * PAGE;

    /** 2 GiB: room for the home frames, so the region's pages hit in the fast path. */
    private final DemandPager k = new DemandPager(2L << 30, BASE, END);

    private final Mmu mmu = k.mmu;

    private static int tlbIndex(long va) {
        return (int) (va >>> 12) & (Mmu.TLB_SIZE - 1);
    }

    @Test
    void aNewTlbHoldsNoEntryNotEvenForPageZero() {
        for (int i = 0; i < Mmu.TLB_SIZE; i++) {
            assertThat(TlbAudit.readTag(mmu, i)).isEqualTo(-1);
            assertThat(TlbAudit.writeTag(mmu, i)).isEqualTo(-1);
        }
    }

    @Test
    void flushAllInvalidatesEveryEntryFilledSinceTheLastOneAlsoAfterRangeFlushesAndRefills() {
        for (int p = 0; p < 8; p++) {
            mmu.store64(BASE + p * PAGE, p);
        }
        mmu.flushRange(BASE, BASE + 2 * PAGE);
        mmu.store64(BASE, 10); // refilled: listed twice
        mmu.load64(BASE + PAGE);
        mmu.flushAll();
        for (int p = 0; p < 8; p++) {
            assertThat(TlbAudit.readTag(mmu, tlbIndex(BASE + p * PAGE))).isEqualTo(-1);
            assertThat(TlbAudit.writeTag(mmu, tlbIndex(BASE + p * PAGE))).isEqualTo(-1);
        }
        long misses = mmu.tlbMisses();
        assertThat(mmu.load64(BASE + 7 * PAGE)).isEqualTo(7);
        assertThat(mmu.tlbMisses()).isEqualTo(misses + 1);
        mmu.flushAll();
        assertThat(TlbAudit.readTag(mmu, tlbIndex(BASE + 7 * PAGE))).isEqualTo(-1);
        assertThat(mmu.checkAgainstPageTable()).isNull();
    }

    @Test
    void theAuditCatchesAnEntryWhoseAddendAndSlabBaseMovedTogether() throws ReflectiveOperationException {
        mmu.store64(BASE, 1);
        assertThat(mmu.checkAgainstPageTable()).isNull();
        // both moved by one page: the slab offset they give still agrees, the host address does not
        long entry = tlbAddress() + Mmu.TLB_SIZE * 16L + 16L * tlbIndex(BASE);
        HostMemory.UNSAFE.putLong(entry, HostMemory.UNSAFE.getLong(entry) + PAGE);
        HostMemory.UNSAFE.putLong(entry + 8, HostMemory.UNSAFE.getLong(entry + 8) + PAGE);
        assertThat(mmu.checkAgainstPageTable()).contains("reaches another frame");
        mmu.flushAll();
    }

    private long tlbAddress() throws ReflectiveOperationException {
        java.lang.reflect.Field f = Mmu.class.getDeclaredField("tlb");
        f.setAccessible(true);
        return f.getLong(mmu);
    }

    @Test
    void aPageInItsHomeFrameHitsAtTheAddressThatItsVirtualAddressGives() {
        mmu.store64(BASE + 8, 0x1234);
        long pfn = Pte.pfn(k.pageTable.readPte(BASE));
        assertThat(k.ram.isHome(pfn, BASE)).isTrue();
        assertThat(pfn).isEqualTo(PhysicalMemory.HOME_FIRST + (PhysicalMemory.homeOffset(BASE) >>> 12));
        assertThat(TlbAudit.home(mmu, tlbIndex(BASE))).isTrue();
        assertThat(k.ram.getLong((pfn << 12) + 8)).isEqualTo(0x1234);
        long hits = mmu.tlbHits();
        assertThat(mmu.load64(BASE + 8)).isEqualTo(0x1234);
        assertThat(mmu.tlbHits()).isEqualTo(hits + 1);
    }

    @Test
    void aPageWhoseHomeFrameIsTakenGetsAnotherFrameAndStillHitsInTheTlb() {
        long squatter = k.ram.allocZeroedFrameFor(BASE + PhysicalMemory.HOME_BYTES);
        assertThat(k.ram.isHome(squatter, BASE))
                .as("one home frame for pages 1 GiB apart")
                .isTrue();
        mmu.store64(BASE + 8, 0x5678);
        long pfn = Pte.pfn(k.pageTable.readPte(BASE));
        assertThat(pfn).isNotEqualTo(squatter);
        assertThat(TlbAudit.home(mmu, tlbIndex(BASE))).isFalse();
        long hits = mmu.tlbHits();
        long misses = mmu.tlbMisses();
        assertThat(mmu.load64(BASE + 8)).isEqualTo(0x5678);
        mmu.store32(BASE + 16, 9);
        assertThat(mmu.tlbHits()).isEqualTo(hits + 2);
        assertThat(mmu.tlbMisses()).isEqualTo(misses);
        assertThat(k.ram.getLong((pfn << 12) + 8)).isEqualTo(0x5678);
        assertThat(k.ram.getLong((squatter << 12) + 8)).isZero();
        assertThat(mmu.checkAgainstPageTable()).isNull();
    }

    @Test
    void everyWidthReadsBackWhatWasStored() {
        mmu.store8(BASE, 0xab);
        mmu.store16(BASE + 2, 0xbeef);
        mmu.store32(BASE + 4, 0xdead_beef);
        mmu.store64(BASE + 8, 0x0123_4567_89ab_cdefL);
        assertThat(mmu.load8(BASE)).isEqualTo(0xab);
        assertThat(mmu.load16(BASE + 2)).isEqualTo(0xbeef);
        assertThat(mmu.load32(BASE + 4)).isEqualTo(0xdead_beef);
        assertThat(mmu.load64(BASE + 8)).isEqualTo(0x0123_4567_89ab_cdefL);
    }

    @Test
    void narrowLoadsZeroExtendAndNarrowStoresKeepOnlyTheLowBits() {
        mmu.store64(BASE, -1L);
        mmu.store8(BASE, 0x1_80);
        mmu.store16(BASE + 2, 0xf_8001);
        assertThat(mmu.load8(BASE)).isEqualTo(0x80);
        assertThat(mmu.load8(BASE + 1)).isEqualTo(0xff);
        assertThat(mmu.load16(BASE + 2)).isEqualTo(0x8001);
        assertThat(mmu.load16(BASE + 6)).isEqualTo(0xffff);
        assertThat(mmu.load32(BASE + 4)).isEqualTo(-1);
    }

    @Test
    void memoryIsLittleEndianAcrossWidths() {
        mmu.store64(BASE, 0x0807_0605_0403_0201L);
        for (int k = 0; k < 8; k++) {
            assertThat(mmu.load8(BASE + k)).isEqualTo(k + 1);
        }
        assertThat(mmu.load16(BASE + 6)).isEqualTo(0x0807);
        assertThat(mmu.load32(BASE + 4)).isEqualTo(0x0807_0605);
        mmu.store32(BASE + 16, 0x4433_2211);
        mmu.store32(BASE + 20, 0x8877_6655);
        assertThat(mmu.load64(BASE + 16)).isEqualTo(0x8877_6655_4433_2211L);
    }

    @Test
    void unalignedAccessesInsideAPageWork() {
        for (int off = 1; off < 8; off++) {
            long va = BASE + 64 + off;
            mmu.store64(va, 0x1122_3344_5566_7788L + off);
            assertThat(mmu.load64(va)).isEqualTo(0x1122_3344_5566_7788L + off);
            mmu.store32(va + 100, 0x7ead_beef + off);
            assertThat(mmu.load32(va + 100)).isEqualTo(0x7ead_beef + off);
            mmu.store16(va + 200, 0xfe00 + off);
            assertThat(mmu.load16(va + 200)).isEqualTo(0xfe00 + off);
        }
        mmu.store64(BASE + 1001, 0x0807_0605_0403_0201L);
        assertThat(mmu.load8(BASE + 1001)).isEqualTo(1);
        assertThat(mmu.load8(BASE + 1008)).isEqualTo(8);
    }

    @Test
    void pageCrossingAccessesSplitTheirBytesBetweenTheTwoPages() {
        for (int before = 1; before < 8; before++) {
            long va = BASE + 2 * PAGE - before;
            mmu.store64(va, 0x0807_0605_0403_0201L);
            for (int k = 0; k < 8; k++) {
                assertThat(mmu.load8(va + k)).isEqualTo(k + 1);
            }
            assertThat(mmu.load64(va)).isEqualTo(0x0807_0605_0403_0201L);
            if (before < 4) {
                mmu.store32(va, 0x4433_2211);
                assertThat(mmu.load32(va)).isEqualTo(0x4433_2211);
                assertThat(mmu.load8(va + 3)).isEqualTo(0x44);
            }
        }
        mmu.store16(BASE + 3 * PAGE - 1, 0xbbaa);
        assertThat(mmu.load8(BASE + 3 * PAGE - 1)).isEqualTo(0xaa);
        assertThat(mmu.load8(BASE + 3 * PAGE)).isEqualTo(0xbb);
        assertThat(mmu.load16(BASE + 3 * PAGE - 1)).isEqualTo(0xbbaa);
    }

    @Test
    void aFaultReportsTheFirstByteAccessed() {
        assertThatThrownBy(() -> mmu.load32(END + 123))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, e -> assertThat(e.address()).isEqualTo(END + 123));
        assertThat(k.lastFaultCode()).isEqualTo(PF_USER);
        assertThatThrownBy(() -> mmu.store8(END + 7, 1)).isInstanceOf(SegmentationFault.class);
        assertThat(k.lastFaultAddress()).isEqualTo(END + 7);
        assertThat(k.lastFaultCode()).isEqualTo(PF_USER | PF_WRITE);
    }

    @Test
    void aPageCrossingAccessThatFaultsOnItsSecondPageReportsThatPagesFirstByte() {
        long va = END - 3;
        mmu.store8(END - 4, 0x77);
        assertThatThrownBy(() -> mmu.load64(va))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, e -> assertThat(e.address()).isEqualTo(END));
        assertThatThrownBy(() -> mmu.store64(va, -1L))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, e -> assertThat(e.address()).isEqualTo(END));
        assertThat(k.lastFaultCode()).isEqualTo(PF_USER | PF_WRITE);
        for (int k = 0; k < 3; k++) {
            assertThat(mmu.load8(va + k)).as("a faulting store writes nothing").isZero();
        }
        assertThat(mmu.load8(END - 4)).isEqualTo(0x77);
    }

    @Test
    void aNonCanonicalAddressIsAGeneralProtectionFaultWithoutAnAddress() {
        mmu.store64(BASE, 0x1234);
        long alias = BASE | 1L << 48; // the same bits 47..0 as BASE: a walk would reach its frame
        assertThatThrownBy(() -> mmu.load64(alias)).isInstanceOfSatisfying(SegmentationFault.class, e -> {
            assertThat(e.code()).isEqualTo(SegmentationFault.SI_KERNEL);
            assertThat(e.address()).isZero();
            assertThat(e.straceLine()).isEqualTo("--- SIGSEGV {si_signo=SIGSEGV, si_code=SI_KERNEL, si_addr=NULL} ---");
        });
        assertThatThrownBy(() -> mmu.store8(alias, 1)).isInstanceOf(SegmentationFault.class);
        assertThat(mmu.pageFaults()).as("no page fault is taken").isEqualTo(1);
        assertThat(mmu.load64(BASE)).isEqualTo(0x1234);
    }

    @Test
    void anAccessCrossingFromTheTopUserPageIntoTheHoleIsAGeneralProtectionFault() {
        assertThatThrownBy(() -> mmu.load64(0x7fff_ffff_fffcL))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, e -> assertThat(e.code()).isEqualTo(SegmentationFault.SI_KERNEL));
        assertThatThrownBy(() -> mmu.store32(0x7fff_ffff_fffeL, 1))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, e -> assertThat(e.code()).isEqualTo(SegmentationFault.SI_KERNEL));
    }

    @Test
    void errorCodesTellNotPresentFromProtectionFaults() {
        k.zeroPageOnRead = true;
        mmu.load64(BASE);
        assertThat(k.lastFaultCode()).as("read of a none PTE").isEqualTo(PF_USER);
        mmu.store64(BASE, 1);
        assertThat(k.lastFaultCode()).as("write to the zero page").isEqualTo(PF_USER | PF_WRITE | PF_PROT);
        assertThat(mmu.load64(BASE)).isEqualTo(1);

        long slot = k.pageTable.pteSlot(BASE + PAGE, true);
        k.ram.putLong(slot, Pte.make(k.ram.allocZeroedFrame(), Pte.PROTNONE | Pte.USER | Pte.ACCESSED));
        assertThatThrownBy(() -> mmu.load8(BASE + PAGE)).isInstanceOf(SegmentationFault.class);
        assertThat(k.lastFaultCode()).as("PROT_NONE is hardware-absent").isEqualTo(PF_USER);
        assertThatThrownBy(() -> mmu.store8(BASE + PAGE, 1)).isInstanceOf(SegmentationFault.class);
        assertThat(k.lastFaultCode()).isEqualTo(PF_USER | PF_WRITE);
    }

    @Test
    void aReadOfTheZeroPageSeesZerosAndAWriteCopiesItOnWrite() {
        k.zeroPageOnRead = true;
        assertThat(mmu.load64(BASE + 8)).isZero();
        assertThat(Pte.pfn(k.pageTable.readPte(BASE))).isEqualTo(k.ram.zeroPfn());
        mmu.store64(BASE + 8, 42);
        assertThat(Pte.pfn(k.pageTable.readPte(BASE))).isNotEqualTo(k.ram.zeroPfn());
        assertThat(mmu.load64(BASE + 8)).isEqualTo(42);
        assertThat(k.ram.isZeroFrame(k.ram.zeroPfn())).isTrue();
    }

    @Test
    void aReadSetsAccessedAndTheFirstWriteSetsDirty() {
        mmu.load64(BASE);
        long pte = k.pageTable.readPte(BASE);
        assertThat(Pte.isAccessed(pte)).isTrue();
        assertThat(Pte.isDirty(pte)).isFalse();
        int i = tlbIndex(BASE);
        assertThat(TlbAudit.readTag(mmu, i)).isEqualTo(BASE);
        assertThat(TlbAudit.writeTag(mmu, i))
                .as("clean page: the first store must walk")
                .isEqualTo(-1);
        long misses = mmu.tlbMisses();
        mmu.store64(BASE, 5);
        assertThat(mmu.tlbMisses()).isEqualTo(misses + 1);
        assertThat(Pte.isDirty(k.pageTable.readPte(BASE))).isTrue();
        assertThat(TlbAudit.writeTag(mmu, i)).isEqualTo(BASE);
        mmu.store64(BASE, 6);
        assertThat(mmu.tlbMisses()).isEqualTo(misses + 1);
    }

    @Test
    void aCleanAccessedBitIsSetAgainOnTheNextFill() {
        mmu.store64(BASE, 1);
        long slot = k.pageTable.pteSlot(BASE, false);
        k.ram.putLong(slot, Pte.withoutFlags(k.ram.getLong(slot), Pte.ACCESSED | Pte.DIRTY));
        mmu.flushRange(BASE, BASE + PAGE);
        assertThat(mmu.load64(BASE)).isEqualTo(1);
        assertThat(Pte.isAccessed(k.ram.getLong(slot))).isTrue();
        assertThat(Pte.isDirty(k.ram.getLong(slot))).isFalse();
    }

    @Test
    void hitsAndMissesAreCounted() {
        mmu.store64(BASE, 1); // miss (fault, then fill)
        mmu.load64(BASE); // hit
        mmu.load32(BASE + 4); // hit
        mmu.load8(BASE + PAGE); // miss
        mmu.load8(BASE + PAGE + 1); // hit
        mmu.load64(BASE + 1); // unaligned: slow path, but its page hits
        assertThat(mmu.tlbMisses()).isEqualTo(2);
        assertThat(mmu.tlbHits()).isEqualTo(Mmu.COUNT ? 4 : 0);
        assertThat(mmu.pageFaults()).isEqualTo(2);
        mmu.flushAll();
        mmu.load64(BASE);
        assertThat(mmu.tlbMisses()).isEqualTo(3);
        assertThat(mmu.pageFaults()).isEqualTo(2);
        mmu.load64(BASE + 8); // hit in the refilled entry: the count goes on across the flush
        assertThat(mmu.tlbHits()).isEqualTo(Mmu.COUNT ? 5 : 0);
    }

    @Test
    void aWindowOpensOnlyOnAPageTheTlbHoldsWritable() {
        assertThat(PageWindow.open(mmu, BASE)).as("not in the TLB").isZero();
        mmu.load64(BASE);
        assertThat(PageWindow.open(mmu, BASE))
                .as("filled by a read: clean, the first store must walk")
                .isZero();
        mmu.store64(BASE, 1);
        assertThat(PageWindow.open(mmu, BASE + 123)).isNotZero();
        mmu.flushRange(BASE, BASE + PAGE);
        assertThat(PageWindow.open(mmu, BASE)).as("flushed").isZero();
    }

    @Test
    void windowAccessesAreTheHitsTheyStandFor() {
        mmu.store64(BASE + 8, 42);
        long w = PageWindow.open(mmu, BASE);
        long accesses = mmu.accesses();
        long hits = mmu.tlbHits();
        long misses = mmu.tlbMisses();
        assertThat(PageWindow.load64(mmu, w, BASE + 8)).isEqualTo(42);
        PageWindow.store64(mmu, w, BASE + 16, 0x1122_3344_5566_7788L);
        PageWindow.store16(mmu, w, BASE + 2, 0xfffe);
        assertThat(PageWindow.load16(mmu, w, BASE + 2)).isEqualTo(0xfffe);
        assertThat(mmu.accesses() - accesses).isEqualTo(4);
        assertThat(mmu.tlbHits() - hits).isEqualTo(Mmu.COUNT ? 4 : 0);
        assertThat(mmu.tlbMisses()).isEqualTo(misses);
        assertThat(mmu.load64(BASE + 16)).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(mmu.load16(BASE + 2)).isEqualTo(0xfffe);
    }

    @Test
    void aWindowAddressOutsideItsPageStaysInsideItsFrame() {
        mmu.store64(BASE + 8, 7);
        mmu.store64(BASE + PAGE + 8, 9);
        long w = PageWindow.open(mmu, BASE);
        assertThat(PageWindow.load64(mmu, w, BASE + PAGE + 8)).isEqualTo(7);
        assertThat(PageWindow.load64(mmu, w, BASE + 13)).as("rounded down to 8").isEqualTo(7);
    }

    @Test
    void pagesShareAnEntryWhenTheyAreATlbApart() {
        long reach = (long) Mmu.TLB_SIZE * PAGE;
        assertThat(PageWindow.sharesEntry(BASE, BASE + 8)).as("one page").isFalse();
        assertThat(PageWindow.sharesEntry(BASE, BASE + PAGE)).isFalse();
        assertThat(PageWindow.sharesEntry(BASE, BASE + reach)).isTrue();
        assertThat(PageWindow.sharesEntry(BASE + reach * 3 + 5, BASE)).isTrue();
        assertThat(PageWindow.sharesEntry(BASE, BASE + reach + PAGE)).isFalse();
    }

    @Test
    void aZappedAndFlushedPageFaultsAgainAndComesBackZero() {
        mmu.store64(BASE + 16, 0x5a5a);
        mmu.store64(BASE + PAGE, 1);
        int faults = k.faults.size();
        k.unmap(BASE, BASE + PAGE);
        assertThat(TlbAudit.readTag(mmu, tlbIndex(BASE))).isEqualTo(-1);
        assertThat(TlbAudit.readTag(mmu, tlbIndex(BASE + PAGE)))
                .as("the neighbour stays")
                .isEqualTo(BASE + PAGE);
        assertThat(mmu.load64(BASE + 16)).isZero();
        assertThat(k.faults).hasSize(faults + 1);
        k.start = END; // now nothing is mapped any more
        k.unmap(BASE, END);
        assertThatThrownBy(() -> mmu.load64(BASE + PAGE)).isInstanceOf(SegmentationFault.class);
        assertThat(k.pageTable.tableBytes()).isZero();
        assertThat(k.ram.framesInUse()).isEqualTo(2); // zero page + PGD
    }

    @Test
    void aRangeFlushAboveTheCeilingFlushesEverything() {
        long far = BASE + 40 * PAGE;
        mmu.load8(far);
        mmu.flushRange(BASE, BASE + (Mmu.FLUSH_CEILING + 1) * PAGE);
        assertThat(TlbAudit.readTag(mmu, tlbIndex(far))).isEqualTo(-1);
        mmu.load8(far);
        mmu.flushRange(BASE, BASE + Mmu.FLUSH_CEILING * PAGE);
        assertThat(TlbAudit.readTag(mmu, tlbIndex(far))).isEqualTo(far);
    }

    @Test
    void aWriteProtectedPageFaultsWithTheProtectionBitAfterTheFlush() {
        mmu.store64(BASE, 9);
        long slot = k.pageTable.pteSlot(BASE, false);
        k.ram.putLong(slot, Pte.withoutFlags(k.ram.getLong(slot), Pte.RW)); // mprotect(PROT_READ)
        k.readOnlyStart = BASE;
        k.readOnlyEnd = BASE + PAGE;
        mmu.flushRange(BASE, BASE + PAGE);
        assertThat(mmu.load64(BASE)).isEqualTo(9);
        assertThatThrownBy(() -> mmu.store64(BASE, 10))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, e -> assertThat(e.code()).isEqualTo(SegmentationFault.SEGV_ACCERR));
        assertThat(k.lastFaultCode()).isEqualTo(PF_USER | PF_WRITE | PF_PROT);
        assertThat(mmu.load64(BASE)).isEqualTo(9);
    }

    @Test
    void aTlbEntryPointsAtTheFramesBytesAsDrawn() {
        mmu.store64(BASE + 3 * PAGE + 8, 0x1234_5678L);
        int i = tlbIndex(BASE + 3 * PAGE);
        long pfn = Pte.pfn(k.pageTable.readPte(BASE + 3 * PAGE));
        assertThat(mmu.hostAt(i)).isSameAs(k.ram.slab(pfn));
        assertThat(mmu.hostOffsetAt(i, BASE + 3 * PAGE + 8)).isEqualTo(k.ram.slabOffset((pfn << 12) + 8));
        assertThat(k.ram.getLong((pfn << 12) + 8)).isEqualTo(0x1234_5678L);
    }

    @Test
    void pagesThatShareATlbSlotEvictEachOther() {
        long other = BASE + Mmu.TLB_SIZE * PAGE;
        k.end = other + PAGE;
        mmu.store64(BASE, 1);
        mmu.store64(other, 2);
        assertThat(mmu.load64(BASE)).isEqualTo(1);
        assertThat(mmu.load64(other)).isEqualTo(2);
        mmu.copy(other + 8, BASE, 8);
        assertThat(mmu.load64(other + 8)).isEqualTo(1);
        assertThat(mmu.tlbMisses()).isEqualTo(6);
    }

    @Test
    void runningOutOfRamIsAnOomKillAndLeavesTheTlbUsable() {
        DemandPager tiny = new DemandPager(8 * PAGE, BASE, END); // zero page, PGD, 3 tables, 3 frames
        for (int p = 0; p < 3; p++) {
            tiny.mmu.store8(BASE + p * PAGE, p + 1);
        }
        assertThatThrownBy(() -> tiny.mmu.store8(BASE + 3 * PAGE, 1)).isInstanceOf(OutOfMemoryKill.class);
        assertThat(tiny.mmu.load8(BASE + 2 * PAGE)).isEqualTo(3);
        tiny.unmap(BASE, BASE + PAGE);
        tiny.mmu.store8(BASE + 3 * PAGE, 4);
        assertThat(tiny.mmu.load8(BASE + 3 * PAGE)).isEqualTo(4);
    }

    @Test
    void aHandlerThatNeverMapsThePageIsCaughtInsteadOfLoopingForever() {
        PhysicalMemory ram = new PhysicalMemory(1L << 20);
        PageTable pt = new PageTable(ram);
        Mmu lazy = new Mmu(ram, pt, (va, code) -> {});
        assertThatThrownBy(() -> lazy.load8(0x1000)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bulkOperationsCrossPages() {
        byte[] model = new byte[(int) (6 * PAGE)];
        mmu.fill(BASE + 100, 0x5a, 3 * PAGE);
        java.util.Arrays.fill(model, 100, 100 + (int) (3 * PAGE), (byte) 0x5a);
        mmu.fill(BASE + 5000, 0, 10);
        java.util.Arrays.fill(model, 5000, 5010, (byte) 0);
        byte[] src = new byte[9000];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 31 + 7);
        }
        mmu.write(BASE + 7000, src, 500, 8000);
        System.arraycopy(src, 500, model, 7000, 8000);
        mmu.copy(BASE + 300, BASE + 6000, 9000); // backward overlap? no: dst below src, forward copy
        System.arraycopy(model.clone(), 6000, model, 300, 9000);
        mmu.copy(BASE + 2000, BASE + 100, 12_000); // overlapping, dst above src: must copy backward
        System.arraycopy(model.clone(), 100, model, 2000, 12_000);
        byte[] back = new byte[model.length];
        mmu.read(BASE, back, 0, back.length);
        assertThat(back).isEqualTo(model);
        assertThatThrownBy(() -> mmu.fill(END - 10, 1, 20))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, e -> assertThat(e.address()).isEqualTo(END));
        assertThat(mmu.load8(END - 1)).as("memset writes up to the fault").isEqualTo(1);
    }

    /** The writes a watcher was told of, as "vaddr-offset:length". */
    private final java.util.List<String> seen = new java.util.ArrayList<>();

    private void watch(long start, long end) {
        mmu.watchWrites(start, end, (vaddr, length) -> seen.add((vaddr - BASE) + ":" + length));
    }

    @Test
    void aWatcherIsToldOfEveryWriteThatReachesItsRangeAndOfNoOther() {
        mmu.store64(BASE + PAGE + 64, 1); // in the TLB, writable, before the watch starts
        watch(BASE + PAGE + 64, BASE + PAGE + 80);
        mmu.store64(BASE + PAGE + 64, 2);
        mmu.store8(BASE + PAGE + 79, 3);
        mmu.store32(BASE + PAGE + 62, 4); // overlaps the range's first bytes
        mmu.store64(BASE + PAGE + 80, 5); // same page, past the range: slow path, not told
        mmu.store64(BASE + PAGE + 56, 6); // ends where the range starts
        mmu.fill(BASE + PAGE, 0, 2 * PAGE);
        mmu.write(BASE + PAGE + 70, new byte[4], 0, 4);
        mmu.copy(BASE + PAGE + 60, BASE + 3 * PAGE, 8);
        mmu.store64(BASE + PAGE - 4, 7); // crosses into the page, not into the range
        mmu.store64(BASE + 2 * PAGE + 64, 8); // the next page
        assertThat(seen)
                .containsExactly(
                        (PAGE + 64) + ":8",
                        (PAGE + 79) + ":1",
                        (PAGE + 62) + ":4",
                        PAGE + ":" + PAGE,
                        (PAGE + 70) + ":4",
                        (PAGE + 60) + ":8");
        assertThat(mmu.load64(BASE + PAGE + 64)).isEqualTo(0);
        assertThat(mmu.checkAgainstPageTable()).isNull();
    }

    @Test
    void storesToAWatchedPageCountAsTheHitsTheyAreAndOpenNoWindow() {
        watch(BASE + 8, BASE + 16);
        mmu.store64(BASE, 1); // miss: fault and fill
        long accesses = mmu.accesses();
        long hits = mmu.tlbHits();
        long misses = mmu.tlbMisses();
        mmu.store64(BASE + 8, 2);
        mmu.store64(BASE + 24, 3);
        assertThat(mmu.load64(BASE + 8)).isEqualTo(2);
        assertThat(mmu.accesses() - accesses).isEqualTo(Mmu.COUNT ? 3 : 0);
        assertThat(mmu.tlbHits() - hits).isEqualTo(Mmu.COUNT ? 3 : 0);
        assertThat(mmu.tlbMisses()).isEqualTo(misses);
        assertThat(PageWindow.open(mmu, BASE))
                .as("a window would let stores bypass the watcher")
                .isZero();
        assertThat(seen).containsExactly("8:8");
        assertThat(mmu.checkAgainstPageTable()).isNull();
    }

    @Test
    void theAuditCatchesAWatchedPageWhoseStoresWouldHit() throws ReflectiveOperationException {
        watch(BASE, BASE + 8);
        mmu.store64(BASE, 1);
        int i = tlbIndex(BASE);
        long tag = mmu.tagAt(i, true);
        assertThat(tag & Mmu.WATCHED).isNotZero();
        HostMemory.UNSAFE.putLong(tlbAddress() + 16L * i + 8, tag & ~Mmu.WATCHED);
        assertThat(mmu.checkAgainstPageTable()).contains("bypass the watcher");
        mmu.flushAll();
    }
}
