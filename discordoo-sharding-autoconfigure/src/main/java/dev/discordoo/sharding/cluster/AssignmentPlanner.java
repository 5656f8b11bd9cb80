package dev.discordoo.sharding.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.discordoo.sharding.manager.InstancePlan;

/**
 * Shares a bot's instances among the nodes of a cluster: contiguous ranges, in the order the
 * nodes joined, each node's share in proportion to its capacity and never above it. The
 * longest-lived node gets the range that starts at shard 0, which receives every event that
 * belongs to no guild (direct messages): the node least likely to be new, and so to move.
 * Pure and deterministic: the same nodes give the same assignment.
 */
final class AssignmentPlanner {

	private AssignmentPlanner() {
	}

	/**
	 * A node as the planner sees it.
	 * @param name its name
	 * @param capacity how many shards it may run
	 */
	record Member(String name, int capacity) {
	}

	/**
	 * What the planner decided.
	 * @param owners the node of each instance, {@code null} where none has room
	 * @param shortfall why some instances have no node, or {@code null}
	 */
	record Plan(List<@Nullable String> owners, @Nullable String shortfall) {
	}

	/**
	 * Plan who runs what.
	 * @param instances the instances, in index order
	 * @param members the live nodes, longest-lived first
	 * @return the plan
	 */
	static Plan plan(List<InstancePlan> instances, List<Member> members) {
		int total = instances.stream().mapToInt((plan) -> plan.shards().size()).sum();
		long capacity = members.stream().mapToLong(Member::capacity).sum();
		@Nullable String[] owners = new String[instances.size()];
		if (members.isEmpty()) {
			return new Plan(Arrays.asList(owners), "no node is in the cluster");
		}
		// each node's share of the shards, cumulative: node j ends where the first j+1 nodes'
		// capacities, scaled to the total, end; without enough capacity each gets all it has
		double[] ends = new double[members.size()];
		long sum = 0;
		for (int j = 0; j < members.size(); j++) {
			sum += members.get(j).capacity();
			ends[j] = (capacity >= total) ? (double) total * sum / capacity : sum;
		}
		int[] used = new int[members.size()];
		int node = 0;
		int first = 0;
		for (int i = 0; i < instances.size(); i++) {
			int size = instances.get(i).shards().size();
			// the instance belongs to the node whose share holds its middle shard
			while (node < members.size() && first + size / 2.0 >= ends[node]) {
				node++;
			}
			// a node never gets more than its capacity: what does not fit goes to the next
			int candidate = node;
			while (candidate < members.size() && used[candidate] + size > members.get(candidate).capacity()) {
				candidate++;
			}
			if (candidate < members.size()) {
				owners[i] = members.get(candidate).name();
				used[candidate] += size;
			}
			first += size;
		}
		List<String> unassigned = new ArrayList<>();
		int uncovered = 0;
		for (int i = 0; i < owners.length; i++) {
			if (owners[i] == null) {
				unassigned.add(Integer.toString(i));
				uncovered += instances.get(i).shards().size();
			}
		}
		String shortfall = unassigned.isEmpty() ? null
				: "the nodes' capacity (" + capacity + " shards on " + members.size() + " nodes) is short of the "
						+ total + " shards by " + uncovered + ": instances " + String.join(", ", unassigned)
						+ " run nowhere";
		return new Plan(Arrays.asList(owners), shortfall);
	}

}
