"""processes/desk"""
