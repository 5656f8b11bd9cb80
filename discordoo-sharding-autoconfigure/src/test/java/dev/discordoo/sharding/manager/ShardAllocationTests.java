package dev.discordoo.sharding.manager;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ShardAllocationTests {

	@Test
	void countMeansShardIdsFromZero() {
		ShardAllocation allocation = ShardAllocation.of("8", null, 1);
		assertThat(allocation.shards()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
		assertThat(allocation.totalShards()).isEqualTo(8);
		assertThat(allocation.shardsPerInstance()).isEqualTo(1);
	}

	@Test
	void countOfOneRunsShardZeroOnInstanceZero() {
		ShardAllocation allocation = ShardAllocation.of("1", null, 1);
		assertThat(allocation.totalShards()).isEqualTo(1);
		assertThat(allocation.instances()).containsExactly(new InstancePlan(0, List.of(0)));
	}

	@Test
	void listKeepsTheGivenIds() {
		ShardAllocation allocation = ShardAllocation.of("0,2,5", null, 1);
		assertThat(allocation.shards()).containsExactly(0, 2, 5);
		assertThat(allocation.totalShards()).isEqualTo(6);
	}

	@Test
	void rangeIsInclusive() {
		ShardAllocation allocation = ShardAllocation.of("4-11", null, 1);
		assertThat(allocation.shards()).containsExactly(4, 5, 6, 7, 8, 9, 10, 11);
	}

	@Test
	void rangeStartingAtZero() {
		assertThat(ShardAllocation.of("0-3", null, 1).shards()).containsExactly(0, 1, 2, 3);
	}

	@Test
	void rangeOfOneShard() {
		ShardAllocation allocation = ShardAllocation.of("5-5", null, 1);
		assertThat(allocation.shards()).containsExactly(5);
		assertThat(allocation.totalShards()).isEqualTo(6);
	}

	@Test
	void listsAndRangesMix() {
		ShardAllocation allocation = ShardAllocation.of("0-3,8,10-11", null, 1);
		assertThat(allocation.shards()).containsExactly(0, 1, 2, 3, 8, 10, 11);
		assertThat(allocation.totalShards()).isEqualTo(12);
	}

	@Test
	void whitespaceIsTolerated() {
		assertThat(ShardAllocation.of("  8 ", null, 1).shards()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
		assertThat(ShardAllocation.of(" 0 - 3 ,\t8 , 10-11 ", null, 1).shards())
			.containsExactly(0, 1, 2, 3, 8, 10, 11);
	}

	@Test
	void listedOrderIsKept() {
		ShardAllocation allocation = ShardAllocation.of("6-7,0,1", null, 2);
		assertThat(allocation.shards()).containsExactly(6, 7, 0, 1);
		assertThat(allocation.instances()).containsExactly(new InstancePlan(0, List.of(6, 7)),
				new InstancePlan(1, List.of(0, 1)));
	}

	@Test
	void defaultTotalIsTheLargestIdPlusOne() {
		// a total of 4 (the count) would leave every id of 4-7 out of range
		assertThat(ShardAllocation.of("4-7", null, 1).totalShards()).isEqualTo(8);
	}

	@Test
	void totalMayExceedTheShardsOfThisManager() {
		// two hosts split a 16-shard bot: this one runs the upper half
		ShardAllocation allocation = ShardAllocation.of("8-15", 16, 4);
		assertThat(allocation.totalShards()).isEqualTo(16);
		assertThat(allocation.instances()).containsExactly(new InstancePlan(0, List.of(8, 9, 10, 11)),
				new InstancePlan(1, List.of(12, 13, 14, 15)));
		assertThat(ShardAllocation.of("4", 16, 1).totalShards()).isEqualTo(16);
	}

	@Test
	void totalEqualToTheLargestIdPlusOneIsAccepted() {
		assertThat(ShardAllocation.of("0,7", 8, 1).totalShards()).isEqualTo(8);
	}

	@Test
	void oneShardPerInstance() {
		ShardAllocation allocation = ShardAllocation.of("3", null, 1);
		assertThat(allocation.instances()).containsExactly(new InstancePlan(0, List.of(0)),
				new InstancePlan(1, List.of(1)), new InstancePlan(2, List.of(2)));
	}

	@Test
	void chunksEvenly() {
		ShardAllocation allocation = ShardAllocation.of("8", null, 2);
		assertThat(allocation.instances()).containsExactly(new InstancePlan(0, List.of(0, 1)),
				new InstancePlan(1, List.of(2, 3)), new InstancePlan(2, List.of(4, 5)),
				new InstancePlan(3, List.of(6, 7)));
	}

	@Test
	void lastChunkMayBeSmaller() {
		ShardAllocation allocation = ShardAllocation.of("5", null, 2);
		assertThat(allocation.instances()).containsExactly(new InstancePlan(0, List.of(0, 1)),
				new InstancePlan(1, List.of(2, 3)), new InstancePlan(2, List.of(4)));
	}

	@Test
	void moreShardsPerInstanceThanShardsGivesOneInstance() {
		ShardAllocation allocation = ShardAllocation.of("0,2,5", 10, 16);
		assertThat(allocation.instances()).containsExactly(new InstancePlan(0, List.of(0, 2, 5)));
	}

	@Test
	void chunksAMixedListInOrder() {
		ShardAllocation allocation = ShardAllocation.of("0-3,8,10-11", 12, 3);
		assertThat(allocation.instances()).containsExactly(new InstancePlan(0, List.of(0, 1, 2)),
				new InstancePlan(1, List.of(3, 8, 10)), new InstancePlan(2, List.of(11)));
	}

	@Test
	void everyShardIsInExactlyOneInstance() {
		ShardAllocation allocation = ShardAllocation.of("0-99", 128, 7);
		List<Integer> all = new ArrayList<>();
		for (int i = 0; i < allocation.instances().size(); i++) {
			InstancePlan instance = allocation.instances().get(i);
			assertThat(instance.index()).isEqualTo(i);
			assertThat(instance.shards()).isNotEmpty().hasSizeLessThanOrEqualTo(7);
			all.addAll(instance.shards());
		}
		assertThat(all).isEqualTo(allocation.shards());
		assertThat(allocation.instances()).hasSize(15);
	}

	@Test
	void planIsImmutable() {
		ShardAllocation allocation = ShardAllocation.of("4", null, 2);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> allocation.instances().clear());
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> allocation.shards().add(9));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> allocation.instances().get(0).shards().add(9));
	}

	@Test
	void instancePlanCopiesItsShards() {
		List<Integer> shards = new ArrayList<>(List.of(1, 2));
		InstancePlan plan = new InstancePlan(0, shards);
		shards.add(3);
		assertThat(plan.shards()).containsExactly(1, 2);
	}

	@Test
	void instancePlanRejectsNegativeIndexAndNoShards() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InstancePlan(-1, List.of(0)))
			.withMessage("index must not be negative, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new InstancePlan(0, List.of()))
			.withMessage("an instance must run at least one shard");
	}

	@Test
	void toStringShowsThePlan() {
		assertThat(ShardAllocation.of("3", null, 2))
			.hasToString("ShardAllocation[totalShards=3, instances=[InstancePlan[index=0, shards=[0, 1]], "
					+ "InstancePlan[index=1, shards=[2]]]]");
	}

	@Test
	void rejectsDuplicates() {
		assertRejected("0,1,1", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '0,1,1' is invalid: shard id 1 is listed twice");
		assertRejected("0-3,2", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '0-3,2' is invalid: shard id 2 is listed twice");
		assertRejected("0-3,3-5", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '0-3,3-5' is invalid: shard id 3 is listed twice");
	}

	@Test
	void rejectsNegativeIds() {
		assertRejected("0,-1", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '0,-1' is invalid: shard id -1 is negative");
		assertRejected("-2-3", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '-2-3' is invalid: shard id -2 is negative");
		assertRejected("1--3", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '1--3' is invalid: shard id -3 is negative");
		assertRejected("-4", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '-4' is invalid: shard id -4 is negative");
	}

	@Test
	void rejectsIdsNotBelowTheTotal() {
		assertRejected("0-8", 8, 1, ShardAllocation.SHARDS_PROPERTY, "Property discordoo.sharding.shards with value '0-8' is invalid: "
				+ "shard id 8 is out of range for discordoo.sharding.total-shards=8 (shard ids go from 0 to 7)");
		assertRejected("16", 8, 1, ShardAllocation.SHARDS_PROPERTY, "Property discordoo.sharding.shards with value '16' is invalid: "
				+ "shard id 15 is out of range for discordoo.sharding.total-shards=8 (shard ids go from 0 to 7)");
	}

	@Test
	void rejectsTotalBelowOne() {
		assertRejected("1", 0, 1, ShardAllocation.TOTAL_SHARDS_PROPERTY,
				"Property discordoo.sharding.total-shards with value '0' is invalid: must be at least 1");
		assertRejected("1", -3, 1, ShardAllocation.TOTAL_SHARDS_PROPERTY,
				"Property discordoo.sharding.total-shards with value '-3' is invalid: must be at least 1");
	}

	@Test
	void rejectsTotalAboveTheLimit() {
		assertRejected("1", ShardAllocation.MAX_TOTAL_SHARDS + 1, 1, ShardAllocation.TOTAL_SHARDS_PROPERTY,
				"Property discordoo.sharding.total-shards with value '1048577' is invalid: must be at most 1048576");
	}

	@Test
	void rejectsShardsPerInstanceBelowOne() {
		assertRejected("8", null, 0, ShardAllocation.SHARDS_PER_INSTANCE_PROPERTY,
				"Property discordoo.sharding.shards-per-instance with value '0' is invalid: must be at least 1");
		assertRejected("8", null, -1, ShardAllocation.SHARDS_PER_INSTANCE_PROPERTY,
				"Property discordoo.sharding.shards-per-instance with value '-1' is invalid: must be at least 1");
	}

	@Test
	void rejectsEmptyText() {
		String reason = "must not be empty: give a count, a list of shard ids, a from-to range or auto";
		assertRejected(null, null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value 'null' is invalid: " + reason);
		assertRejected("", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '' is invalid: " + reason);
		assertRejected("  ", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '  ' is invalid: " + reason);
	}

	@Test
	void rejectsMalformedText() {
		assertMalformed("a,b", "a");
		assertMalformed("1,,2", "");
		assertMalformed("1,2,", "");
		assertMalformed(",1", "");
		assertMalformed("1-2-3", "1-2-3");
		assertMalformed("1;2", "1;2");
		assertMalformed("1 2", "1 2");
		assertMalformed("3-", "3-");
		assertMalformed("+3", "+3");
		assertMalformed("0x10", "0x10");
	}

	@Test
	void rejectsBackwardRanges() {
		assertRejected("7-4", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '7-4' is invalid: range 7-4 starts after it ends");
	}

	@Test
	void rejectsCountOfZero() {
		assertRejected("0", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '0' is invalid: a shard count must be at least 1");
		assertRejected(" 00 ", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value ' 00 ' is invalid: a shard count must be at least 1");
	}

	@Test
	void rejectsHugeNumbersWithoutRunningOutOfMemory() {
		assertRejected("2000000000", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '2000000000' is invalid: a shard count must be at most 1048576");
		assertRejected("99999999999", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '99999999999' is invalid: a shard count must be at most 1048576");
		assertRejected("0-2000000000", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '0-2000000000' is invalid: "
						+ "shard id 2000000000 is too large (at most 1048575)");
		assertRejected("1,99999999999", null, 1, ShardAllocation.SHARDS_PROPERTY,
				"Property discordoo.sharding.shards with value '1,99999999999' is invalid: "
						+ "shard id 99999999999 is too large (at most 1048575)");
	}

	@Test
	void exceptionExposesItsParts() {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ShardAllocation.of("7-4", null, 1))
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("discordoo.sharding.shards");
				assertThat(ex.getValue()).isEqualTo("7-4");
				assertThat(ex.getReason()).isEqualTo("range 7-4 starts after it ends");
			});
	}

	@Test
	void autoIsKnownInAnyCaseAndHasNoIdsYet() {
		assertThat(ShardIds.parse(" Auto ").isAuto()).isTrue();
		assertThat(ShardIds.parse(" Auto ")).hasToString(" Auto ").isEqualTo(ShardIds.parse("auto"));
		assertThatIllegalStateException().isThrownBy(() -> ShardIds.parse("auto").ids())
			.withMessageContaining("discordoo.sharding.shards");
		assertThatIllegalStateException().isThrownBy(() -> ShardAllocation.of("auto", 8, 1));
		assertThat(ShardIds.parse("0-2,5").isAuto()).isFalse();
		assertThat(ShardIds.parse("0-2,5").ids()).containsExactly(0, 1, 2, 5);
	}

	private static void assertMalformed(String text, String element) {
		assertRejected(text, null, 1, ShardAllocation.SHARDS_PROPERTY, "Property discordoo.sharding.shards with value '"
				+ text + "' is invalid: expected a count, or a comma-separated list of shard ids and from-to ranges, but found '"
				+ element + "'");
	}

	private static void assertRejected(String shards, Integer totalShards, int shardsPerInstance, String property,
			String message) {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ShardAllocation.of(shards, totalShards, shardsPerInstance))
			.withMessage(message)
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo(property));
	}

}
