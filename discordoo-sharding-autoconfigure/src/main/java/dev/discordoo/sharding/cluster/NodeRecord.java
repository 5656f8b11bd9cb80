package dev.discordoo.sharding.cluster;

import org.jspecify.annotations.Nullable;

/**
 * What a node says of itself in its membership znode.
 *
 * @param name the node's name
 * @param capacity how many shards it may run
 * @param host its host name
 * @param pid its process id
 * @param leaving whether it is stopping and hands its shards over
 * @param linkHost where its node-link server listens, {@code null} when it has none (no
 * cluster secret, or a node from before node links)
 * @param linkPort the node-link server's port, {@code null} when it has none
 * @param linkId the node-link server's snowflake, answered in IDENTIFY; {@code null} when it
 * has none
 * @param linkTls whether its node links are TLS, {@code null} when it has none (or is a node
 * from before TLS, whose links are plain)
 */
public record NodeRecord(String name, int capacity, String host, long pid, boolean leaving,
		@Nullable String linkHost, @Nullable Integer linkPort, @Nullable String linkId, @Nullable Boolean linkTls) {

	/**
	 * A record without a node link.
	 * @param name the node's name
	 * @param capacity how many shards it may run
	 * @param host its host name
	 * @param pid its process id
	 * @param leaving whether it is stopping and hands its shards over
	 */
	public NodeRecord(String name, int capacity, String host, long pid, boolean leaving) {
		this(name, capacity, host, pid, leaving, null, null, null, null);
	}

	/**
	 * Return whether the node can be reached over a node link.
	 * @return whether it published a link address and id
	 */
	public boolean hasLink() {
		return this.linkHost != null && this.linkPort != null && this.linkId != null;
	}

	/**
	 * Return whether the node's links are TLS.
	 * @return whether it published {@code linkTls: true}
	 */
	public boolean linksOverTls() {
		return Boolean.TRUE.equals(this.linkTls);
	}

	NodeRecord asLeaving() {
		return new NodeRecord(this.name, this.capacity, this.host, this.pid, true, this.linkHost, this.linkPort,
				this.linkId, this.linkTls);
	}

}
