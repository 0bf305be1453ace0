public enum HTTPServerModule {}
