package dev.discordoo.sharding;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TargetsTests {

	// instance 0 runs shards 0 and 1, instance 1 runs 2 and 3, instance 2 runs 4 and 5
	private static final Map<Integer, Integer> OWNERS = Map.of(0, 0, 1, 0, 2, 1, 3, 1, 4, 2, 5, 2);

	private static List<Integer> resolve(Targets targets, int self) {
		return targets.resolve(3, 6, (shard) -> OWNERS.getOrDefault(shard, -1), self);
	}

	@Test
	void allIncludesTheSenderAndOthersLeavesItOut() {
		assertThat(resolve(Targets.all(), 1)).containsExactly(0, 1, 2);
		assertThat(resolve(Targets.others(), 1)).containsExactly(0, 2);
		assertThat(resolve(Targets.others(), -1)).containsExactly(0, 1, 2);
	}

	@Test
	void instancesAreKeptInOrderWithoutDuplicates() {
		assertThat(resolve(Targets.instances(2, 0, 2), -1)).containsExactly(2, 0);
		assertThat(resolve(Targets.instances(0), -1)).containsExactly(0);
		assertThatIllegalArgumentException().isThrownBy(() -> Targets.instances(-1));
	}

	@Test
	void aShardGoesToTheInstanceThatRunsIt() {
		assertThat(resolve(Targets.shard(0), -1)).containsExactly(0);
		assertThat(resolve(Targets.shard(3), -1)).containsExactly(1);
		assertThatIllegalArgumentException().isThrownBy(() -> resolve(Targets.shard(6), -1))
			.withMessageContaining("shard 6");
	}

	@Test
	void aGuildGoesToTheInstanceOfItsShard() {
		for (long guild : new long[] { 0L, 81384788765712384L, 175928847299117063L, 613425648685547541L, -1L }) {
			int shard = (int) Long.remainderUnsigned(guild >>> 22, 6);
			assertThat(resolve(Targets.guild(guild), -1)).containsExactly(OWNERS.get(shard));
		}
	}

	@Test
	void shardForUsesDiscordsFormula() {
		// 81384788765712384 >> 22 = 19403645698
		assertThat(Targets.shardFor(81384788765712384L, 1)).isEqualTo(0);
		// 19403645698 = 7 * 2771949385 + 3
		assertThat(Targets.shardFor(81384788765712384L, 7)).isEqualTo(3);
		// 175928847299117063 >> 22 = 41944705796 = 16 * 2621544112 + 4
		assertThat(Targets.shardFor(175928847299117063L, 16)).isEqualTo(4);
		// 613425648685547541 >> 22 = 146252071544 = 10 * 14625207154 + 4
		assertThat(Targets.shardFor(613425648685547541L, 10)).isEqualTo(4);
	}

	@Test
	void shardForIgnoresTheLowTwentyTwoBits() {
		assertThat(Targets.shardFor(0, 2)).isEqualTo(0);
		assertThat(Targets.shardFor((1L << 22) - 1, 2)).isEqualTo(0);
		assertThat(Targets.shardFor(1L << 22, 2)).isEqualTo(1);
	}

	@Test
	void shardForReadsGuildIdsAsUnsigned() {
		// 2^63 (top bit set) >> 22 = 2^41 = 2199023255552 = 7 * 314146179364 + 4
		assertThat(Targets.shardFor(Long.MIN_VALUE, 7)).isEqualTo(4);
		// 2^64 - 1 >> 22 = 2^42 - 1 = 4398046511103 = 1000 * 4398046511 + 103
		assertThat(Targets.shardFor(-1L, 1000)).isEqualTo(103);
		assertThat(Targets.shardFor(Long.parseUnsignedLong("18446744073709551615"), 1000)).isEqualTo(103);
	}

	@Test
	void shardForRejectsTotalBelowOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> Targets.shardFor(1, 0))
			.withMessage("totalShards must be at least 1, was 0");
	}

}
