"""scraper/dedupe"""
