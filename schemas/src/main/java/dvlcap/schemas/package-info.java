/**
 * The Parquet output schemas (captions, metrics, sweeps), written as Arrow schemas so that every
 * module, and Spark through {@code SparkSchemas}, derives its columns from one definition.
 */
package dvlcap.schemas;
