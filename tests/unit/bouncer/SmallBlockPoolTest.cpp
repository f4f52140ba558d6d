// SmallBlockPool serves every allocation of verpmail-bouncer-parse. Its blocks must
// be aligned, distinct while live, intact until given back, and reused by size;
// large requests go to malloc and come back the same way.
#include "parse/SmallBlockPool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace verpmail {
namespace {

struct Live
{
    unsigned char* block;
    std::size_t bytes;
    unsigned char fill;
};

bool aligned(const void* p)
{
    return reinterpret_cast<std::uintptr_t>(p) % SmallBlockPool::kAlignment == 0;
}

bool intact(const Live& l)
{
    for (std::size_t i = 0; i < l.bytes; ++i)
        if (l.block[i] != l.fill)
            return false;
    return true;
}

TEST(SmallBlockPool, KeepsRandomBlocksApartAndIntact)
{
    SmallBlockPool pool;
    std::mt19937 rng(4242);
    std::vector<Live> live;
    for (int step = 0; step < 200000; ++step) {
        if (live.empty() || rng() % 3 != 0) {
            // Mostly small sizes, some around kLargest, a few far beyond it.
            const auto pick = static_cast<unsigned>(rng() % 100);
            const std::size_t bytes = pick < 80 ? rng() % 200 : pick < 97 ? 900 + rng() % 300 : 5000 + rng() % 70000;
            auto* block = static_cast<unsigned char*>(pool.allocate(bytes));
            ASSERT_NE(block, nullptr);
            ASSERT_TRUE(aligned(block)) << bytes;
            const auto fill = static_cast<unsigned char>(rng());
            std::memset(block, fill, bytes);
            live.push_back({block, bytes, fill});
        } else {
            const std::size_t i = rng() % live.size();
            ASSERT_TRUE(intact(live[i])) << "a block was written by another at step " << step;
            pool.deallocate(live[i].block);
            live[i] = live.back();
            live.pop_back();
        }
    }
    for (const Live& l : live) {
        ASSERT_TRUE(intact(l));
        pool.deallocate(l.block);
    }
}

TEST(SmallBlockPool, ReusesABlockGivenBackForTheSameSize)
{
    SmallBlockPool pool;
    void* a = pool.allocate(40);
    void* b = pool.allocate(48);   // the same 16-byte size as 40
    EXPECT_NE(a, b);
    pool.deallocate(a);
    EXPECT_EQ(pool.allocate(33), a);   // 33..48 share a size
    void* c = pool.allocate(64);       // another size: not a
    EXPECT_NE(c, a);
    EXPECT_NE(c, b);
    pool.deallocate(b);
    pool.deallocate(c);
}

TEST(SmallBlockPool, GivesDistinctBlocksForZeroBytesAndIgnoresNull)
{
    SmallBlockPool pool;
    void* a = pool.allocate(0);
    void* b = pool.allocate(0);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_NE(a, b);
    pool.deallocate(nullptr);
    pool.deallocate(a);
    pool.deallocate(b);
}

TEST(SmallBlockPool, ServesLargeBlocksAndRefusesImpossibleOnes)
{
    SmallBlockPool pool;
    const std::size_t sizes[] = {SmallBlockPool::kLargest, SmallBlockPool::kLargest + 1, 1 << 20};
    for (std::size_t bytes : sizes) {
        auto* block = static_cast<unsigned char*>(pool.allocate(bytes));
        ASSERT_NE(block, nullptr);
        EXPECT_TRUE(aligned(block));
        block[0] = 1;
        block[bytes - 1] = 2;
        pool.deallocate(block);
    }
    EXPECT_EQ(pool.allocate(SIZE_MAX), nullptr);
    EXPECT_EQ(pool.allocate(SIZE_MAX - 8), nullptr);
}

} // namespace
} // namespace verpmail
