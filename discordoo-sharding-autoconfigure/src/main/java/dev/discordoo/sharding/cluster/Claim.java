package dev.discordoo.sharding.cluster;

import java.nio.charset.StandardCharsets;

import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.jspecify.annotations.Nullable;

/**
 * An ownership or successor znode as a cache has it: the node named in it, the state it
 * reported, the session that created it and the version of its data (see docs/cluster.md).
 *
 * @param node the node that holds the claim
 * @param state the instance's state it last reported, {@code null} before its first report
 * @param session the ZooKeeper session that created the znode
 * @param version the version of its data, for versioned writes
 */
record Claim(String node, @Nullable String state, long session, int version) {

	/**
	 * Read a claim from a cache.
	 * @param cache the cache of ownership or successor znodes
	 * @param path the znode
	 * @return the claim, or {@code null} when nobody holds it
	 */
	static @Nullable Claim of(CuratorCache cache, String path) {
		return cache.get(path).map(Claim::of).orElse(null);
	}

	/**
	 * Read a claim from a znode's data.
	 * @param data the znode, {@code null} when there is none
	 * @return the claim, or {@code null}
	 */
	static @Nullable Claim of(@Nullable ChildData data) {
		if (data == null) {
			return null;
		}
		String[] parts = new String(data.getData(), StandardCharsets.UTF_8).split(" ");
		return new Claim(parts[0], (parts.length > 1) ? parts[1] : null, data.getStat().getEphemeralOwner(),
				data.getStat().getVersion());
	}

	/** Whether this is a claim of the named node from a session other than its current one. */
	boolean isStaleOf(String me, long session) {
		return this.node.equals(me) && this.session != session;
	}

}
