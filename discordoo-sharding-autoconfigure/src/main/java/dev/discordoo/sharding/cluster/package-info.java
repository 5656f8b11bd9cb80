/**
 * Cluster mode: one bot across many hosts, coordinated by Apache ZooKeeper through Apache
 * Curator. Every host runs a node (a sharding manager that starts idle); the leader assigns
 * contiguous ranges of instances to the nodes, and each node runs its part only while it
 * holds those instances' ownership in ZooKeeper.
 */
@NullMarked
package dev.discordoo.sharding.cluster;

import org.jspecify.annotations.NullMarked;
