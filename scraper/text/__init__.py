"""scraper/text"""
