"""Where an index lives: the embedded folder or Milvus, behind one seam."""
