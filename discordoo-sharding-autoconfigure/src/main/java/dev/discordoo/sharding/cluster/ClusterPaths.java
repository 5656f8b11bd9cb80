package dev.discordoo.sharding.cluster;

import java.util.regex.Pattern;

/**
 * Where a cluster keeps its state in ZooKeeper, under {@code /discordoo/<cluster name>}:
 * <ul>
 * <li>{@code nodes/<node>}: one ephemeral znode per live node, its {@link NodeRecord};</li>
 * <li>{@code leader}: the leader latch;</li>
 * <li>{@code assignment}: the leader's {@link ClusterAssignment}, versioned;</li>
 * <li>{@code owners/<instance>}: ephemeral, the name of the node that owns an instance;</li>
 * <li>{@code successors/<instance>}: ephemeral, the node taking an instance over in a planned
 * hand-over, and whether its successor is READY;</li>
 * <li>{@code identify/buckets/<bucket>}: ephemeral, held by the node whose instance
 * identifies in that bucket now;</li>
 * <li>{@code identify/budget}: the daily identify budget, a {@link ClusterBudget}.</li>
 * </ul>
 */
final class ClusterPaths {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

	private final String root;

	ClusterPaths(String clusterName) {
		this.root = "/discordoo/" + clusterName;
	}

	static boolean isValidName(String name) {
		return NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
	}

	String nodes() {
		return this.root + "/nodes";
	}

	String node(String name) {
		return nodes() + "/" + name;
	}

	String leader() {
		return this.root + "/leader";
	}

	String assignment() {
		return this.root + "/assignment";
	}

	String owners() {
		return this.root + "/owners";
	}

	String owner(int instance) {
		return owners() + "/" + instance;
	}

	String successors() {
		return this.root + "/successors";
	}

	String successor(int instance) {
		return successors() + "/" + instance;
	}

	String bucket(int bucket) {
		return this.root + "/identify/buckets/" + bucket;
	}

	String budget() {
		return this.root + "/identify/budget";
	}

}
