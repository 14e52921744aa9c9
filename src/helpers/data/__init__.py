"""The data model: table schemas and the one platform and channel vocabulary, the dataset folder.

The dataset folder is loaded, written and described by its manifest; also the one atomic write, and pseudonyms.
"""
