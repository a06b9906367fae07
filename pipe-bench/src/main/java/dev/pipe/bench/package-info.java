/** JMH benchmarks of the pipe's hot path; run by hand, built by CI so that they cannot rot. */
package dev.pipe.bench;
