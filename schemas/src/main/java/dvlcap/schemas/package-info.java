/** Arrow batch schemas and Parquet output schemas shared by every dvlcap module. */
package dvlcap.schemas;
