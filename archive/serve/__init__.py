"""archive/serve"""
