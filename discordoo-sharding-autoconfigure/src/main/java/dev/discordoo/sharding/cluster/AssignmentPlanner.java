package dev.discordoo.sharding.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;

import dev.discordoo.sharding.manager.InstancePlan;

/**
 * Shares a bot's instances among the nodes of a cluster: at first contiguous ranges, in the
 * order the nodes joined, each node's share in proportion to its capacity and never above it;
 * later, as few moves as can be (every move costs identifies and a hand-over). The
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
	 * Plan who runs what, moving as few instances as can be: each node keeps what it runs up
	 * to its share, and only the rest moves (a lost node's instances, a joining node's share,
	 * a leaving node's instances), each preferably to the node that runs its neighbour, so
	 * that ranges stay contiguous where they can. Without a previous assignment, as
	 * {@link #plan(List, List)}.
	 * @param instances the instances, in index order
	 * @param members the live nodes, longest-lived first
	 * @param previous the node of each instance in the assignment before, {@code null} where none
	 * @return the plan
	 */
	static Plan plan(List<InstancePlan> instances, List<Member> members, List<@Nullable String> previous) {
		if (members.isEmpty() || previous.stream().allMatch((owner) -> owner == null)
				|| previous.size() != instances.size()) {
			return plan(instances, members);
		}
		int total = instances.stream().mapToInt((plan) -> plan.shards().size()).sum();
		long capacity = members.stream().mapToLong(Member::capacity).sum();
		int[] share = new int[members.size()];
		for (int j = 0; j < members.size(); j++) {
			int cap = members.get(j).capacity();
			// the share rounded up, so that the shares cover the total; never above the capacity
			share[j] = (capacity >= total) ? (int) Math.min(cap, (long) Math.ceil((double) total * cap / capacity)) : cap;
		}
		int[] used = new int[members.size()];
		int[] owner = new int[instances.size()];
		Arrays.fill(owner, -1);
		for (int i = 0; i < instances.size(); i++) {
			int j = indexOf(members, previous.get(i));
			int size = instances.get(i).shards().size();
			if (j >= 0 && used[j] + size <= share[j]) {
				owner[i] = j;
				used[j] += size;
			}
		}
		for (int i = 0; i < instances.size(); i++) {
			if (owner[i] >= 0) {
				continue;
			}
			int size = instances.get(i).shards().size();
			int before = (i > 0) ? owner[i - 1] : -1;
			int after = (i + 1 < instances.size()) ? owner[i + 1] : -1;
			int chosen = -1;
			for (int candidate : new int[] { before, after }) {
				if (chosen < 0 && candidate >= 0 && used[candidate] + size <= share[candidate]) {
					chosen = candidate;
				}
			}
			// else the node with the most room left of its share, then of its capacity
			for (int pass = 0; pass < 2 && chosen < 0; pass++) {
				long room = 0;
				for (int j = 0; j < members.size(); j++) {
					long left = ((pass == 0) ? share[j] : members.get(j).capacity()) - used[j] - size;
					if (left >= 0 && (chosen < 0 || left > room)) {
						chosen = j;
						room = left;
					}
				}
			}
			if (chosen >= 0) {
				owner[i] = chosen;
				used[chosen] += size;
			}
		}
		@Nullable String[] owners = new String[instances.size()];
		for (int i = 0; i < owners.length; i++) {
			owners[i] = (owner[i] >= 0) ? members.get(owner[i]).name() : null;
		}
		return new Plan(Arrays.asList(owners), shortfall(instances, owners, capacity, members.size(), total));
	}

	/**
	 * Pace a plan's moves between live nodes: at most {@code batch} such moves are under way at
	 * once, counting those of earlier assignments whose old owner still holds the instance.
	 * Other moves wait, their instances staying where they were, for a later plan once a move
	 * has completed. Moves that cannot wait are never held back: an instance nobody runs, or
	 * whose node is gone or leaving (a leaving node hands everything over before it exits).
	 * @param previous the node of each instance in the published assignment
	 * @param target the plan's node of each instance
	 * @param settled the live nodes that are not leaving
	 * @param holder which node holds each instance's ownership now, {@code null} for none
	 * @param batch how many moves may be under way at once
	 * @return the owners to publish
	 */
	static List<@Nullable String> paceMoves(List<@Nullable String> previous, List<@Nullable String> target,
			Set<String> settled, IntFunction<@Nullable String> holder, int batch) {
		if (previous.size() != target.size()) {
			return target;
		}
		int underWay = 0;
		for (int i = 0; i < previous.size(); i++) {
			String assigned = previous.get(i);
			String holding = holder.apply(i);
			if (assigned != null && holding != null && !assigned.equals(holding) && settled.contains(holding)) {
				underWay++;
			}
		}
		int allowed = Math.max(0, batch - underWay);
		List<@Nullable String> paced = new ArrayList<>(target);
		for (int i = 0; i < previous.size(); i++) {
			String from = previous.get(i);
			if (from == null || !settled.contains(from) || from.equals(target.get(i))) {
				continue;
			}
			if (allowed > 0) {
				allowed--;
			}
			else {
				paced.set(i, from);
			}
		}
		return paced;
	}

	private static int indexOf(List<Member> members, @Nullable String name) {
		for (int j = 0; j < members.size(); j++) {
			if (members.get(j).name().equals(name)) {
				return j;
			}
		}
		return -1;
	}

	/**
	 * Plan who runs what from scratch: contiguous ranges in join order, by capacity.
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
		return new Plan(Arrays.asList(owners), shortfall(instances, owners, capacity, members.size(), total));
	}

	private static @Nullable String shortfall(List<InstancePlan> instances, @Nullable String[] owners, long capacity,
			int nodes, int total) {
		List<String> unassigned = new ArrayList<>();
		int uncovered = 0;
		for (int i = 0; i < owners.length; i++) {
			if (owners[i] == null) {
				unassigned.add(Integer.toString(i));
				uncovered += instances.get(i).shards().size();
			}
		}
		return unassigned.isEmpty() ? null
				: "the nodes' capacity (" + capacity + " shards on " + nodes + " nodes) is short of the " + total
						+ " shards by " + uncovered + ": instances " + String.join(", ", unassigned) + " run nowhere";
	}

}
