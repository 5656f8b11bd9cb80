package dev.discordoo.sharding.cluster;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.manager.InstancePlan;
import dev.discordoo.sharding.manager.ShardAllocation;
import dev.discordoo.sharding.manager.ShardIds;

import static org.assertj.core.api.Assertions.assertThat;

class AssignmentPlannerTests {

	private static List<InstancePlan> instances(int total, int perInstance) {
		return ShardAllocation.of(ShardIds.parse("0-" + (total - 1)), total, perInstance).instances();
	}

	private static AssignmentPlanner.Member member(String name, int capacity) {
		return new AssignmentPlanner.Member(name, capacity);
	}

	@Test
	void equalNodesGetEqualContiguousRangesTheFirstJoinedFromShardZero() {
		AssignmentPlanner.Plan plan = AssignmentPlanner.plan(instances(12, 2),
				List.of(member("a", 100), member("b", 100), member("c", 100)));
		assertThat(plan.owners()).containsExactly("a", "a", "b", "b", "c", "c");
		assertThat(plan.shortfall()).isNull();
	}

	@Test
	void moreNodesThanEvenSharesSplitByTheMiddleOfEachInstance() {
		// 8 shards in 4 instances on 3 equal nodes: 2.67 shards each, cut where each instance's middle falls
		AssignmentPlanner.Plan plan = AssignmentPlanner.plan(instances(8, 2),
				List.of(member("a", 100), member("b", 100), member("c", 100)));
		assertThat(plan.owners()).containsExactly("a", "b", "b", "c");
	}

	@Test
	void sharesFollowCapacity() {
		AssignmentPlanner.Plan plan = AssignmentPlanner.plan(instances(8, 1),
				List.of(member("small", 2), member("big", 6)));
		assertThat(plan.owners()).containsExactly("small", "small", "big", "big", "big", "big", "big", "big");
	}

	@Test
	void noNodeGetsMoreThanItsCapacity() {
		// shares of 3 shards each in instances of 2: rounding must not push a node past 3
		AssignmentPlanner.Plan plan = AssignmentPlanner.plan(instances(6, 2),
				List.of(member("a", 3), member("b", 3), member("c", 3)));
		assertThat(plan.owners()).containsExactly("a", "b", "c");
		assertThat(plan.shortfall()).isNull();
	}

	@Test
	void capacityShortOfTheTotalLeavesTheRestUnassignedAndSaysSo() {
		AssignmentPlanner.Plan plan = AssignmentPlanner.plan(instances(10, 2), List.of(member("a", 4), member("b", 2)));
		assertThat(plan.owners()).isEqualTo(Arrays.asList("a", "a", "b", null, null));
		assertThat(plan.shortfall()).contains("short of the 10 shards by 4").contains("instances 3, 4 run nowhere");
	}

	@Test
	void noNodeAtAll() {
		AssignmentPlanner.Plan plan = AssignmentPlanner.plan(instances(2, 1), List.of());
		assertThat(plan.owners()).containsExactly(null, null);
		assertThat(plan.shortfall()).isEqualTo("no node is in the cluster");
	}

	@Test
	void theSameNodesGiveTheSameAssignment() {
		List<AssignmentPlanner.Member> members = List.of(member("a", 70), member("b", 50), member("c", 90));
		assertThat(AssignmentPlanner.plan(instances(64, 4), members))
			.isEqualTo(AssignmentPlanner.plan(instances(64, 4), members));
		assertThat(AssignmentPlanner.plan(instances(64, 4), members).owners()).doesNotContainNull();
	}

	@Test
	void aLostNodesInstancesMoveAndNoOtherDoes() {
		List<String> before = List.of("a", "a", "b", "b", "c", "c");
		AssignmentPlanner.Plan plan = AssignmentPlanner.plan(instances(6, 1),
				List.of(member("a", 100), member("c", 100)), before);
		assertThat(plan.owners()).containsExactly("a", "a", "a", "c", "c", "c");
	}

	@Test
	void aJoiningNodeGetsItsShareAndOnlyThatMoves() {
		List<String> before = List.of("a", "a", "a", "b", "b", "b");
		AssignmentPlanner.Plan plan = AssignmentPlanner.plan(instances(6, 1),
				List.of(member("a", 100), member("b", 100), member("c", 100)), before);
		assertThat(plan.owners()).containsExactly("a", "a", "c", "b", "b", "c");
		assertThat(plan.shortfall()).isNull();
	}

	@Test
	void aLeavingNodesInstancesGoToItsNeighboursWhenTheyHaveRoom() {
		List<String> before = List.of("a", "a", "b", "b");
		AssignmentPlanner.Plan plan = AssignmentPlanner.plan(instances(4, 1), List.of(member("a", 100)), before);
		assertThat(plan.owners()).containsExactly("a", "a", "a", "a");
	}

	@Test
	void noPreviousAssignmentPlansFromScratch() {
		List<AssignmentPlanner.Member> members = List.of(member("a", 100), member("b", 100));
		assertThat(AssignmentPlanner.plan(instances(4, 1), members, Arrays.asList(null, null, null, null)))
			.isEqualTo(AssignmentPlanner.plan(instances(4, 1), members));
	}

	private static List<String> owners(String... owners) {
		return Arrays.asList(owners);
	}

	@Test
	void aJoiningNodesShareComesOverABatchAtATime() {
		List<String> before = owners("a", "a", "a", "a", "a", "a");
		List<String> target = owners("a", "a", "a", "b", "b", "b");
		// nothing under way: the first two moves start, the third waits on a
		assertThat(AssignmentPlanner.paceMoves(before, target, Set.of("a", "b"), (i) -> "a", 2))
			.containsExactly("a", "a", "a", "b", "b", "a");
		// two moves published and still held by a: none more
		List<String> moving = owners("a", "a", "a", "b", "b", "a");
		assertThat(AssignmentPlanner.paceMoves(moving, target, Set.of("a", "b"), (i) -> "a", 2))
			.containsExactly("a", "a", "a", "b", "b", "a");
		// one of them completed (b holds instance 3): the third starts
		assertThat(AssignmentPlanner.paceMoves(moving, target, Set.of("a", "b"), (i) -> (i == 3) ? "b" : "a", 2))
			.containsExactly("a", "a", "a", "b", "b", "b");
	}

	@Test
	void movesThatCannotWaitAreNeverHeldBack() {
		// c is gone (not among the settled nodes), d is leaving, instance 4 had no node
		List<String> before = owners("c", "c", "d", "d", null, "a");
		List<String> target = owners("a", "a", "b", "b", "b", "a");
		assertThat(AssignmentPlanner.paceMoves(before, target, Set.of("a", "b"), (i) -> null, 1))
			.containsExactly("a", "a", "b", "b", "b", "a");
	}

}
