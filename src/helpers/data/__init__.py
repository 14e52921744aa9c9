"""The data model: table schemas and the one platform and channel vocabulary, the dataset folder (load, write, manifest), the one atomic write, pseudonyms."""
